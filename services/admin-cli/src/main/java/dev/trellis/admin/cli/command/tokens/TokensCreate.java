package dev.trellis.admin.cli.command.tokens;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.ResponseFields;
import java.util.List;

/**
 * {@code tokens create [--tailnet T] [--role R] [--expiry 90d] [--description D]}: POST
 * /api/v1/tokens and print the token once (standard output, so it can be captured) and its id.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class TokensCreate implements Command {
  @Override
  public List<String> path() {
    return List.of("tokens", "create");
  }

  @Override
  public String arguments() {
    return "[--tailnet T] [--role R] [--expiry 90d] [--description D]";
  }

  @Override
  public String summary() {
    return "create an API token (shown once; role never above yours)";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.valued("tailnet", "T", "the tailnet name or id"),
        Option.valued("role", "R", "the token's role (default: yours)"),
        Option.valued("expiry", "TIME", "lifetime such as 24h or 90d (default 90d)"),
        Option.valued("description", "D", "what the token is for"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    inv.args().positionals();
    ObjectNode body = AdminClient.json().createObjectNode();
    inv.args().value("tailnet").ifPresent(v -> body.put("tailnet", v));
    inv.args().value("role").ifPresent(v -> body.put("role", v));
    inv.args().value("expiry").ifPresent(v -> body.put("expiry", v));
    inv.args().value("description").ifPresent(v -> body.put("description", v));
    String answer = inv.client().post("/api/v1/tokens", body.toString());
    return Answers.secret(
        inv,
        answer,
        "tokens create",
        "token",
        "tokenInfo",
        info ->
            "API token "
                + ResponseFields.text(info, "id")
                + " ("
                + ResponseFields.text(info, "role")
                + "): shown once, store it now.");
  }
}
