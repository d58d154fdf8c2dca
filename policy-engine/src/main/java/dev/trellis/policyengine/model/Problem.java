package dev.trellis.policyengine.model;

import dev.trellis.policyengine.hujson.Position;

/**
 * One reason a policy document is refused, at a line and column.
 *
 * @param pos where the problem is ({@link Position#NONE} if not tied to a place)
 * @param code an ErrorCode code: "POLICY_INVALID" or "POLICY_TESTS_FAILED"
 * @param message what is wrong, naming the offending entry
 *     <p>Thread-safety: immutable.
 */
public record Problem(Position pos, String code, String message) {
  public static final String INVALID = "POLICY_INVALID";
  public static final String TESTS_FAILED = "POLICY_TESTS_FAILED";

  @Override
  public String toString() {
    return pos + ": " + message;
  }
}
