package dev.trellis.admin.cli.command.routes;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import java.util.List;

/**
 * {@code routes approve NODE [CIDR...] [--exit-node]}: adds the routes to the node's approved set
 * (it must advertise them); the routes already approved stay.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class RoutesApprove implements Command {
  @Override
  public List<String> path() {
    return List.of("routes", "approve");
  }

  @Override
  public String arguments() {
    return RouteChange.ARGUMENTS;
  }

  @Override
  public String summary() {
    return "approve subnet routes a node advertises, or --exit-node";
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
          approved.addAll(named);
          return approved;
        });
  }
}
