package dev.trellis.admin.cli.command.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.QueryString;
import dev.trellis.admin.cli.http.ResponseFields;
import java.util.List;

/**
 * {@code nodes list [--tailnet T]}: GET /api/v1/nodes and print a table.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class NodesList implements Command {
  @Override
  public List<String> path() {
    return List.of("nodes", "list");
  }

  @Override
  public String arguments() {
    return "[--tailnet T]";
  }

  @Override
  public String summary() {
    return "list a tailnet's nodes (default: the token's tailnet)";
  }

  @Override
  public List<Option> options() {
    return List.of(Option.valued("tailnet", "T", "the tailnet name or id"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    inv.args().positionals();
    String query =
        new QueryString()
            .addIfPresent("tailnet", inv.args().value("tailnet").orElse(null))
            .toString();
    String answer = inv.client().get("/api/v1/nodes" + query);
    if (inv.json()) {
      inv.out().println(answer.strip());
    } else {
      JsonNode root = ResponseFields.object(AdminClient.parse(answer), "nodes list");
      NodeTable table = new NodeTable();
      for (JsonNode n : ResponseFields.array(root, "nodes")) {
        table.add(n);
      }
      table.table().print(inv.out());
    }
    inv.out().flush();
    return 0;
  }
}
