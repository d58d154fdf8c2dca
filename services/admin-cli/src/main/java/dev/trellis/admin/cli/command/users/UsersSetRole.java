package dev.trellis.admin.cli.command.users;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.command.Segments;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;
import java.util.List;

/**
 * {@code users set-role USER_ID ROLE}: POST /api/v1/users/{id}/role.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class UsersSetRole implements Command {
  @Override
  public List<String> path() {
    return List.of("users", "set-role");
  }

  @Override
  public String arguments() {
    return "USER_ID owner|admin|network-admin|auditor|member";
  }

  @Override
  public String summary() {
    return "change a user's role";
  }

  @Override
  public List<Option> options() {
    return List.of();
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    List<String> args = inv.args().positionals("USER_ID", "ROLE");
    String id = Segments.of("USER_ID", args.get(0));
    String body = AdminClient.json().createObjectNode().put("role", args.get(1)).toString();
    String answer = inv.client().post("/api/v1/users/" + id + "/role", body);
    return Answers.one(inv, answer, UserRows.FORMAT);
  }
}
