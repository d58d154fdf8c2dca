package dev.trellis.admin.cli.command.nodes;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;
import java.util.List;

/**
 * {@code nodes rename NODE NAME}: POST /api/v1/nodes/{id}/rename.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class NodesRename implements Command {
  @Override
  public List<String> path() {
    return List.of("nodes", "rename");
  }

  @Override
  public String arguments() {
    return "NODE NAME";
  }

  @Override
  public String summary() {
    return "change a node's MagicDNS name (unique in its tailnet)";
  }

  @Override
  public List<Option> options() {
    return List.of();
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    List<String> args = inv.args().positionals("NODE", "NAME");
    String body = AdminClient.json().createObjectNode().put("name", args.get(1)).toString();
    return NodeChange.post(inv, args.get(0), "rename", body);
  }
}
