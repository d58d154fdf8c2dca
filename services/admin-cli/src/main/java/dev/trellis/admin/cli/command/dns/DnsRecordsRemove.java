package dev.trellis.admin.cli.command.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.http.AdminClient;
import java.util.List;
import java.util.Locale;

/**
 * {@code dns records remove NAME [A|AAAA [ADDRESS]] [--tailnet T]}: removes the extra records of
 * NAME (of that type, with that address).
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class DnsRecordsRemove implements Command {
  @Override
  public List<String> path() {
    return List.of("dns", "records", "remove");
  }

  @Override
  public String arguments() {
    return "NAME [A|AAAA [ADDRESS]] [--tailnet T]";
  }

  @Override
  public String summary() {
    return "remove extra records of NAME";
  }

  @Override
  public List<Option> options() {
    return List.of(Option.valued("tailnet", "T", "the tailnet name or id"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    List<String> args = inv.args().positionals();
    if (args.isEmpty()) {
      throw new UsageException("missing argument NAME", usage());
    }
    if (args.size() > 3) {
      throw new UsageException("unexpected argument '" + args.get(3) + "'", usage());
    }
    String name = bare(args.get(0));
    String type = args.size() > 1 ? args.get(1).toUpperCase(Locale.ROOT) : null;
    String value = args.size() > 2 ? args.get(2) : null;
    String answer =
        DnsEdit.edit(
            inv,
            current -> {
              ObjectNode body = AdminClient.json().createObjectNode();
              ArrayNode keep = body.putArray("extraRecords");
              int removed = 0;
              for (JsonNode r : current.path("extraRecords")) {
                boolean match =
                    r.path("name").asText().equals(name)
                        && (type == null || r.path("type").asText().equals(type))
                        && (value == null || r.path("value").asText().equals(value));
                if (match) {
                  removed++;
                } else {
                  keep.add(r);
                }
              }
              if (removed == 0) {
                throw new UsageException("no extra record matches " + String.join(" ", args));
              }
              return body;
            });
    return DnsEdit.print(inv, answer);
  }

  private static String bare(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
