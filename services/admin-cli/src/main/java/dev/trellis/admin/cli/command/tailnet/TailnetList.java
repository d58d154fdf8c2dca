package dev.trellis.admin.cli.command.tailnet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.ResponseFields;
import java.util.List;

/**
 * {@code tailnet list}: GET /api/v1/tailnets and print {@code {"tailnets":[...]}} as a table.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class TailnetList implements Command {
  @Override
  public List<String> path() {
    return List.of("tailnet", "list");
  }

  @Override
  public String arguments() {
    return "";
  }

  @Override
  public String summary() {
    return "list the tailnets";
  }

  @Override
  public List<Option> options() {
    return List.of();
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    inv.args().positionals();
    String answer = inv.client().get("/api/v1/tailnets");
    if (inv.json()) {
      inv.out().println(answer.strip());
    } else {
      JsonNode root = ResponseFields.object(AdminClient.parse(answer), "tailnet list");
      TailnetTable table = new TailnetTable();
      for (JsonNode t : ResponseFields.array(root, "tailnets")) {
        table.add(t);
      }
      table.table().print(inv.out());
    }
    inv.out().flush();
    return 0;
  }
}
