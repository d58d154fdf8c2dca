package dev.trellis.admin.cli.command.nodes;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
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
    return Answers.list(inv, "/api/v1/nodes", "nodes list", "nodes", NodeRows.FORMAT);
  }
}
