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
 * policy get > policy.hujson} round-trips), or the whole answer with {@code --json}.
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
          inv.out().print(root.path("text").asText());
          inv.err().println("# version " + root.path("version").asLong());
        });
  }
}
