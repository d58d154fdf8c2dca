package dev.trellis.admin.cli.command.nodes;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import java.util.List;

/**
 * {@code nodes approve NODE}: POST /api/v1/nodes/{id}/approve, for a node waiting for device
 * approval.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class NodesApprove implements Command {
  @Override
  public List<String> path() {
    return List.of("nodes", "approve");
  }

  @Override
  public String arguments() {
    return "NODE";
  }

  @Override
  public String summary() {
    return "let a node waiting for device approval join";
  }

  @Override
  public List<Option> options() {
    return List.of();
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    return NodeChange.post(inv, inv.args().positionals("NODE").getFirst(), "approve", "{}");
  }
}
