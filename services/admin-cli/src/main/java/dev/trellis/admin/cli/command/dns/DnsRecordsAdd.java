package dev.trellis.admin.cli.command.dns;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;
import java.util.List;

/**
 * {@code dns records add NAME A|AAAA ADDRESS [--tailnet T]}: devices answer NAME with ADDRESS.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class DnsRecordsAdd implements Command {
  @Override
  public List<String> path() {
    return List.of("dns", "records", "add");
  }

  @Override
  public String arguments() {
    return "NAME A|AAAA ADDRESS [--tailnet T]";
  }

  @Override
  public String summary() {
    return "add a record devices answer themselves (e.g. grafana.internal A 100.64.0.7)";
  }

  @Override
  public List<Option> options() {
    return List.of(Option.valued("tailnet", "T", "the tailnet name or id"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    List<String> args = inv.args().positionals("NAME", "TYPE", "ADDRESS");
    String answer =
        DnsEdit.edit(
            inv,
            current -> {
              ObjectNode body = AdminClient.json().createObjectNode();
              ArrayNode records = body.putArray("extraRecords");
              current.path("extraRecords").forEach(records::add);
              records
                  .addObject()
                  .put("name", args.get(0))
                  .put("type", args.get(1))
                  .put("value", args.get(2));
              return body;
            });
    return DnsEdit.print(inv, answer);
  }
}
