package dev.trellis.admin.cli.command.users;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import java.util.List;

/**
 * {@code users list [--tailnet T]}: GET /api/v1/users and print a table.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class UsersList implements Command {
  @Override
  public List<String> path() {
    return List.of("users", "list");
  }

  @Override
  public String arguments() {
    return "[--tailnet T]";
  }

  @Override
  public String summary() {
    return "list a tailnet's users (default: the token's tailnet)";
  }

  @Override
  public List<Option> options() {
    return List.of(Option.valued("tailnet", "T", "the tailnet name or id"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    return Answers.list(inv, "/api/v1/users", "users list", "users", UserRows.FORMAT);
  }
}
