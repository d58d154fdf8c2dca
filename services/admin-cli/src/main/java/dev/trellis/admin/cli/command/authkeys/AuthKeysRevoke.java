package dev.trellis.admin.cli.command.authkeys;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.command.Segments;
import dev.trellis.admin.cli.failure.AdminCliException;
import java.util.List;

/**
 * {@code authkeys revoke KEY_ID}: POST /api/v1/authkeys/{id}/revoke.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class AuthKeysRevoke implements Command {
  @Override
  public List<String> path() {
    return List.of("authkeys", "revoke");
  }

  @Override
  public String arguments() {
    return "KEY_ID";
  }

  @Override
  public String summary() {
    return "revoke an auth key";
  }

  @Override
  public List<Option> options() {
    return List.of();
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    String id = Segments.of("KEY_ID", inv.args().positionals("KEY_ID").getFirst());
    String answer = inv.client().post("/api/v1/authkeys/" + id + "/revoke", "{}");
    return Answers.one(inv, answer, AuthKeyRows.FORMAT);
  }
}
