package dev.trellis.admin.cli.command.policy;

import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;
import java.util.List;
import java.util.Map;

/**
 * {@code policy test FILE [--tailnet T]}: runs the file's own {@code tests} section on the server
 * (POST /api/v1/policy/validate, which changes nothing) and reports how many passed, or each
 * failing assertion with its line and column.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class PolicyTestCommand implements Command {
  @Override
  public List<String> path() {
    return List.of("policy", "test");
  }

  @Override
  public String arguments() {
    return "FILE [--tailnet T]";
  }

  @Override
  public String summary() {
    return "run a policy file's tests without changing anything";
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
    if (inv.json()) {
      inv.out().println(answer.body().strip());
    } else {
      int tests;
      try {
        tests = AdminClient.json().readTree(answer.body()).path("tests").asInt(0);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        tests = 0;
      }
      inv.out()
          .println(
              tests == 0
                  ? file + ": no tests to run"
                  : file + ": " + tests + (tests == 1 ? " test" : " tests") + " passed");
    }
    inv.out().flush();
    return 0;
  }
}
