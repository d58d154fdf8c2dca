package dev.trellis.admin.cli.command.users;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.http.AdminClient;
import java.util.List;

/**
 * {@code users invite EMAIL [--tailnet T] [--role R] [--name N]}: POST /api/v1/users.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class UsersInvite implements Command {
  @Override
  public List<String> path() {
    return List.of("users", "invite");
  }

  @Override
  public String arguments() {
    return "EMAIL [--tailnet T] [--role owner|admin|network-admin|auditor|member] [--name N]";
  }

  @Override
  public String summary() {
    return "add a user to a tailnet by email";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.valued("tailnet", "T", "the tailnet name or id"),
        Option.valued("role", "R", "the role (default member)"),
        Option.valued("name", "N", "the display name"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    String email = inv.args().positionals("EMAIL").getFirst();
    if (email.isBlank()) {
      throw new UsageException("EMAIL must not be blank");
    }
    ObjectNode body = AdminClient.json().createObjectNode().put("email", email);
    inv.args().value("tailnet").ifPresent(t -> body.put("tailnet", t));
    inv.args().value("role").ifPresent(r -> body.put("role", r));
    inv.args().value("name").ifPresent(n -> body.put("displayName", n));
    String answer = inv.client().post("/api/v1/users", body.toString());
    return Answers.one(inv, answer, UserRows.FORMAT);
  }
}
