package dev.trellis.admin.cli.command.tokens;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.command.Segments;
import dev.trellis.admin.cli.failure.AdminCliException;
import java.util.List;

/**
 * {@code tokens revoke TOKEN_ID}: POST /api/v1/tokens/{id}/revoke.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class TokensRevoke implements Command {
  @Override
  public List<String> path() {
    return List.of("tokens", "revoke");
  }

  @Override
  public String arguments() {
    return "TOKEN_ID";
  }

  @Override
  public String summary() {
    return "revoke an API token";
  }

  @Override
  public List<Option> options() {
    return List.of();
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    String id = Segments.of("TOKEN_ID", inv.args().positionals("TOKEN_ID").getFirst());
    String answer = inv.client().post("/api/v1/tokens/" + id + "/revoke", "{}");
    return Answers.one(inv, answer, TokenRows.FORMAT);
  }
}
