package dev.trellis.admin.cli.command.nodes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.command.People;
import dev.trellis.admin.cli.command.RowFormat;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.ResponseFields;
import dev.trellis.admin.cli.output.Table;
import java.util.List;

/**
 * {@code nodes list [--tailnet T]}: GET /api/v1/nodes and print a table, owners by email.
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
    String answer = inv.client().get("/api/v1/nodes" + Answers.tailnetQuery(inv));
    if (inv.json()) {
      return Answers.print(inv, answer, a -> {});
    }
    JsonNode root = ResponseFields.object(AdminClient.parse(answer), "nodes list");
    People people = People.load(inv, root.path("tailnetId").asText(null), false);
    RowFormat format = NodeRows.format(people);
    Table table = new Table(format.headers().toArray(String[]::new));
    for (JsonNode n : ResponseFields.array(root, "nodes")) {
      table.row(format.cells().of(n));
    }
    table.print(inv.out());
    return 0;
  }
}
