package dev.trellis.admin.cli.command.tailnet;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
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
    return Answers.list(inv, "/api/v1/tailnets", "tailnet list", "tailnets", TailnetRows.FORMAT);
  }
}
