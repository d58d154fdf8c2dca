package dev.trellis.admin.cli.command.policy;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.ResponseFields;
import java.util.List;

/**
 * {@code policy get [--tailnet T]}: GET /api/v1/policy and print the policy text (so that {@code
 * policy get > policy.hujson} round-trips), then its version as a comment on stderr, after the text
 * is flushed; or the whole answer with {@code --json}.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class PolicyGet implements Command {
  @Override
  public List<String> path() {
    return List.of("policy", "get");
  }

  @Override
  public String arguments() {
    return "[--tailnet T]";
  }

  @Override
  public String summary() {
    return "print a tailnet's ACL policy (HuJSON)";
  }

  @Override
  public List<Option> options() {
    return List.of(Option.valued("tailnet", "T", "the tailnet name or id"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    inv.args().positionals();
    String answer = inv.client().get("/api/v1/policy" + Answers.tailnetQuery(inv));
    return Answers.print(
        inv,
        answer,
        a -> {
          var root = ResponseFields.object(AdminClient.parse(a), "policy get");
          String text = root.path("text").asText();
          inv.out().print(text.isEmpty() || text.endsWith("\n") ? text : text + "\n");
          // The document is written out whole before the comment on stderr, so that on a terminal
          // (where both streams meet) the comment follows the document instead of cutting into it.
          inv.out().flush();
          inv.err().println("# version " + root.path("version").asLong());
          inv.err().flush();
        });
  }
}
