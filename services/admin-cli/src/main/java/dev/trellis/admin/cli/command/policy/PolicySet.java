package dev.trellis.admin.cli.command.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.args.Option;
import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Command;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.failure.UsageException;
import dev.trellis.admin.cli.http.AdminClient;
import dev.trellis.admin.cli.http.ResponseFields;
import java.util.List;
import java.util.Map;

/**
 * {@code policy set FILE [--tailnet T] [--if-match VERSION]}: reads the current policy, POSTs the
 * file to /api/v1/policy based on that version (so a concurrent edit is refused, not overwritten),
 * and prints what changed as a unified diff with context. A refused file prints every problem with
 * its line and column.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class PolicySet implements Command {
  @Override
  public List<String> path() {
    return List.of("policy", "set");
  }

  @Override
  public String arguments() {
    return "FILE [--tailnet T] [--if-match VERSION]";
  }

  @Override
  public String summary() {
    return "replace a tailnet's ACL policy with a file and show what changed";
  }

  @Override
  public List<Option> options() {
    return List.of(
        Option.valued("tailnet", "T", "the tailnet name or id"),
        Option.valued(
            "if-match",
            "VERSION",
            "refuse unless the policy is at this version (default: the one read)"));
  }

  @Override
  public int run(Invocation inv) throws AdminCliException, InterruptedException {
    String file = inv.args().positionals("FILE").getFirst();
    String text = PolicyFile.read(file);
    String ifMatch = inv.args().value("if-match").orElse(null);
    if (ifMatch != null && !ifMatch.matches("[0-9]{1,18}")) {
      throw new UsageException("--if-match must be a version number, not '" + ifMatch + "'");
    }
    String query = Answers.tailnetQuery(inv);
    JsonNode before =
        ResponseFields.object(
            AdminClient.parse(inv.client().get("/api/v1/policy" + query)), "policy get");
    if (ifMatch == null) {
      ifMatch = Long.toString(before.path("version").asLong());
    }
    var answer =
        inv.client()
            .postText(
                "/api/v1/policy" + query, "application/hujson", text, Map.of("If-Match", ifMatch));
    PolicyProblems.check(inv, file, answer);
    if (inv.json()) {
      inv.out().println(answer.body().strip());
    } else {
      JsonNode after = ResponseFields.object(AdminClient.parse(answer.body()), "policy set");
      if (!after.path("changed").asBoolean()) {
        inv.out().println("unchanged: version " + after.path("version").asLong());
      } else {
        String was = "policy version " + before.path("version").asLong();
        for (String line : LineDiff.of(before.path("text").asText(), was, text, file)) {
          inv.out().println(line);
        }
        inv.out()
            .println(
                "policy version "
                    + after.path("previousVersion").asLong()
                    + " -> "
                    + after.path("version").asLong());
      }
    }
    inv.out().flush();
    return 0;
  }
}
