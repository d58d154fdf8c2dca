package dev.trellis.admin.cli.command.routes;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import java.util.List;

/**
 * {@code routes list [--tailnet T]}: GET /api/v1/routes, the tailnet's nodes that advertise, have
 * approved or have in force any route, as a table.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class RoutesList implements Command {
  @Override
  public List<String> path() {
    return List.of("routes", "list");
  }

  @Override
  public String arguments() {
    return "[--tailnet T]";
  }

  @Override
  public String summary() {
    return "list the subnet routes and exit nodes of a tailnet (default: the token's tailnet)";
  }

  @Override
  public List<Option> options() {
    return List.of(Option.valued("tailnet", "T", "the tailnet name or id"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    return Answers.list(inv, "/api/v1/routes", "routes list", "routes", RouteRows.FORMAT);
  }
}
