package dev.trellis.admin.cli.command.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;
import dev.trellis.admin.cli.http.AdminClient;

/**
 * Explains a refused policy: for a 422 answer, prints each problem as {@code FILE:LINE:COLUMN: CODE
 * message} (or the answer as JSON with {@code --json}) before failing like any other server error;
 * other failures are reported as usual.
 *
 * <p>Stateless.
 */
final class PolicyProblems {
  private PolicyProblems() {}

  /** Succeeds quietly for a 2xx answer; otherwise prints what it can and throws. */
  static void check(Invocation inv, String file, AdminClient.Answer answer)
      throws AdminCliException {
    if (answer.ok()) {
      return;
    }
    if (answer.status() == 422) {
      if (inv.json()) {
        inv.out().println(answer.body().strip());
        inv.out().flush();
      } else {
        try {
          for (JsonNode p : AdminClient.parse(answer.body()).path("problems")) {
            inv.err()
                .println(
                    file
                        + ":"
                        + p.path("line").asInt()
                        + ":"
                        + p.path("column").asInt()
                        + ": "
                        + p.path("code").asText()
                        + " "
                        + p.path("message").asText());
          }
        } catch (AdminCliException e) {
          // not the documented body: the failure below still names the status
        }
        inv.err().flush();
      }
    }
    throw AdminClient.failure(answer);
  }
}
