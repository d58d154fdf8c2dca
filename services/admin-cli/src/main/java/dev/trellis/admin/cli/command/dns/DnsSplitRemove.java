package dev.trellis.admin.cli.command.dns;

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
 * {@code dns split remove DOMAIN [--tailnet T]}: names under DOMAIN go where other names go again.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class DnsSplitRemove implements Command {
  @Override
  public List<String> path() {
    return List.of("dns", "split", "remove");
  }

  @Override
  public String arguments() {
    return "DOMAIN [--tailnet T]";
  }

  @Override
  public String summary() {
    return "stop routing DOMAIN to its own resolvers";
  }

  @Override
  public List<Option> options() {
    return List.of(Option.valued("tailnet", "T", "the tailnet name or id"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    String domain = inv.args().positionals("DOMAIN").getFirst().strip().toLowerCase(Locale.ROOT);
    String bare = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    String answer =
        DnsEdit.edit(
            inv,
            current -> {
              if (!current.path("routes").has(bare)) {
                throw new UsageException(
                    "'" + bare + "' is not a split-DNS domain of this tailnet");
              }
              ObjectNode body = AdminClient.json().createObjectNode();
              ObjectNode routes = body.putObject("routes");
              current
                  .path("routes")
                  .properties()
                  .forEach(
                      e -> {
                        if (!e.getKey().equals(bare)) {
                          routes.set(e.getKey(), e.getValue());
                        }
                      });
              return body;
            });
    return DnsEdit.print(inv, answer);
  }
}
