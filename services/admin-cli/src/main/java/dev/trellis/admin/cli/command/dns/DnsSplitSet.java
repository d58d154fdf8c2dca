package dev.trellis.admin.cli.command.dns;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;
import java.util.List;

/**
 * {@code dns split set DOMAIN RESOLVER[,RESOLVER...] [--tailnet T]}: names under DOMAIN go to these
 * resolvers (split DNS); the other split domains stay as they are.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class DnsSplitSet implements Command {
  @Override
  public List<String> path() {
    return List.of("dns", "split", "set");
  }

  @Override
  public String arguments() {
    return "DOMAIN RESOLVER[,RESOLVER...] [--tailnet T]";
  }

  @Override
  public String summary() {
    return "send names under DOMAIN to these resolvers (split DNS)";
  }

  @Override
  public List<Option> options() {
    return List.of(Option.valued("tailnet", "T", "the tailnet name or id"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    List<String> args = inv.args().positionals("DOMAIN", "RESOLVERS");
    String domain = args.get(0);
    String answer =
        DnsEdit.edit(
            inv,
            current -> {
              ObjectNode body = AdminClient.json().createObjectNode();
              ObjectNode routes = body.putObject("routes");
              current
                  .path("routes")
                  .properties()
                  .forEach(e -> routes.set(e.getKey(), e.getValue()));
              var list = routes.putArray(domain);
              for (String r : args.get(1).split(",")) {
                if (!r.isBlank()) {
                  list.add(r.strip());
                }
              }
              return body;
            });
    return DnsEdit.print(inv, answer);
  }
}
