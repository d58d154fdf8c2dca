package dev.trellis.admin.cli.command.routes;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import java.util.List;

/**
 * {@code routes unapprove NODE [CIDR...] [--exit-node]}: removes the routes from the node's
 * approved set; the others stay approved.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class RoutesUnapprove implements Command {
  @Override
  public List<String> path() {
    return List.of("routes", "unapprove");
  }

  @Override
  public String arguments() {
    return RouteChange.ARGUMENTS;
  }

  @Override
  public String summary() {
    return "withdraw the approval of subnet routes, or --exit-node";
  }

  @Override
  public List<Option> options() {
    return List.of(RouteChange.EXIT_NODE);
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    return RouteChange.run(
        inv,
        (approved, named) -> {
          named.forEach(approved::remove);
          return approved;
        });
  }
}
