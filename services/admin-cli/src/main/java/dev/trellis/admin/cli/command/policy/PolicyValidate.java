package dev.trellis.admin.cli.command.policy;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import java.util.List;
import java.util.Map;

/**
 * {@code policy validate FILE [--tailnet T]}: POST /api/v1/policy/validate; checks the file as an
 * edit would (syntax, definitions, the policy's own tests) and changes nothing.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class PolicyValidate implements Command {
  @Override
  public List<String> path() {
    return List.of("policy", "validate");
  }

  @Override
  public String arguments() {
    return "FILE [--tailnet T]";
  }

  @Override
  public String summary() {
    return "check a policy file and run its tests without changing anything";
  }

  @Override
  public List<Option> options() {
    return List.of(Option.valued("tailnet", "T", "the tailnet name or id"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    String file = inv.args().positionals("FILE").getFirst();
    String text = PolicyFile.read(file);
    var answer =
        inv.client()
            .postText(
                "/api/v1/policy/validate" + Answers.tailnetQuery(inv),
                "application/hujson",
                text,
                Map.of());
    PolicyProblems.check(inv, file, answer);
    inv.out().println(inv.json() ? answer.body().strip() : file + ": valid");
    inv.out().flush();
    return 0;
  }
}
