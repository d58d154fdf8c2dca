package dev.trellis.admin.cli.command.nodes;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;
import java.util.List;

/**
 * {@code nodes delete NODE}: POST /api/v1/nodes/{id}/remove (the same as {@code DELETE
 * /api/v1/nodes/{id}}); the node leaves its tailnet and its addresses are released.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class NodesDelete implements Command {
  @Override
  public List<String> path() {
    return List.of("nodes", "delete");
  }

  @Override
  public String arguments() {
    return "NODE";
  }

  @Override
  public String summary() {
    return "remove a node from its tailnet";
  }

  @Override
  public List<Option> options() {
    return List.of();
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    String id = NodeRef.resolve(inv, inv.args().positionals("NODE").getFirst());
    String answer = inv.client().post("/api/v1/nodes/" + id + "/remove", "{}");
    if (inv.json()) {
      inv.out().println(answer.strip());
    } else {
      inv.out().println("deleted " + AdminClient.parse(answer).path("name").asText());
    }
    inv.out().flush();
    return 0;
  }
}
