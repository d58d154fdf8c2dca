package dev.trellis.policyengine.load;

import dev.trellis.policyengine.hujson.HuJsonException;
import dev.trellis.policyengine.hujson.HuJsonParser;
import dev.trellis.policyengine.hujson.JsonValue;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.policyengine.model.Problem;
import dev.trellis.policyengine.parse.PolicyReader;
import dev.trellis.policyengine.validate.PolicyTestRunner;
import java.util.List;
import java.util.Optional;

/**
 * The one entry point from policy text to an accepted {@link Policy}: parses the HuJSON, reads and
 * validates every section, then runs the policy's own tests. A document with any problem is refused
 * as a whole, with every problem found and its line and column; the caller keeps the running policy
 * in force.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 */
public final class PolicyLoader {
  private PolicyLoader() {}

  /** Either the policy or the problems, never both. */
  public record Result(Optional<Policy> policy, List<Problem> problems) {
    public Result {
      problems = List.copyOf(problems);
    }

    /** Whether the policy was accepted. */
    public boolean accepted() {
      return policy.isPresent();
    }
  }

  /** Parses, validates and tests a policy document. */
  public static Result load(String text) {
    JsonValue doc;
    try {
      doc = HuJsonParser.parse(text);
    } catch (HuJsonException e) {
      return new Result(
          Optional.empty(), List.of(new Problem(e.pos(), Problem.INVALID, e.detail())));
    }
    PolicyReader.Result read = PolicyReader.read(doc);
    if (read.policy().isEmpty()) {
      return new Result(Optional.empty(), read.problems());
    }
    List<Problem> failed = PolicyTestRunner.run(read.policy().get());
    if (!failed.isEmpty()) {
      return new Result(Optional.empty(), failed);
    }
    return new Result(read.policy(), List.of());
  }

  /** The policy of a new tailnet (all nodes reach each other). */
  public static Policy defaultPolicy() {
    return load(Policy.DEFAULT_HUJSON).policy().orElseThrow();
  }
}
