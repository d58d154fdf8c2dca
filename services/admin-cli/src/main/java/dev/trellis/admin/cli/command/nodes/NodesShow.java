package dev.trellis.admin.cli.command.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.command.RouteCells;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.ResponseFields;
import dev.trellis.admin.cli.output.Table;
import java.util.List;
import java.util.Map;

/**
 * {@code nodes show NODE}: GET /api/v1/nodes/{id} and print every field, one per line; its routes
 * (advertised, approved, primary) with an exit node's two default routes as {@code exit node}.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class NodesShow implements Command {
  @Override
  public List<String> path() {
    return List.of("nodes", "show");
  }

  @Override
  public String arguments() {
    return "NODE";
  }

  @Override
  public String summary() {
    return "show one node: keys, addresses, expiry, approval, routes";
  }

  @Override
  public List<Option> options() {
    return List.of();
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    String id = NodeRef.resolve(inv, inv.args().positionals("NODE").getFirst());
    String answer = inv.client().get("/api/v1/nodes/" + id);
    if (inv.json()) {
      inv.out().println(answer.strip());
    } else {
      JsonNode n = ResponseFields.object(AdminClient.parse(answer), "node");
      Table table = new Table("FIELD", "VALUE");
      for (Map.Entry<String, JsonNode> field : n.properties()) {
        JsonNode v = field.getValue();
        String text;
        if (field.getKey().endsWith("Routes") && v.isArray()) {
          text = RouteCells.of(v);
        } else if (v.isArray()) {
          StringBuilder b = new StringBuilder();
          v.forEach(e -> b.append(b.isEmpty() ? "" : ",").append(e.asText()));
          text = b.toString();
        } else {
          text = v.isNull() ? null : v.asText();
        }
        table.row(field.getKey(), text == null || text.isEmpty() ? null : text);
      }
      table.row("status", NodeRows.status(n));
      table.print(inv.out());
    }
    inv.out().flush();
    return 0;
  }
}
