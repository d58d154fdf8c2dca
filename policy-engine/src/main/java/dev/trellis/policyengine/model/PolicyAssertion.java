package dev.trellis.policyengine.model;

import dev.trellis.policyengine.hujson.Position;
import java.util.List;
import java.util.Set;

/**
 * One entry of the policy's {@code tests}: from {@code src}, each {@code accept} destination must
 * be reachable and each {@code deny} destination must not be.
 *
 * @param src the subject sending
 * @param protocols protocols tried (TCP unless the test names one)
 * @param accept destinations that must be allowed
 * @param deny destinations that must be refused
 * @param origin e.g. "tests[0]"
 *     <p>Thread-safety: immutable.
 */
public record PolicyAssertion(
    Selector src,
    Set<Integer> protocols,
    List<Assertion> accept,
    List<Assertion> deny,
    String origin) {
  public PolicyAssertion {
    protocols = Set.copyOf(protocols);
    accept = List.copyOf(accept);
    deny = List.copyOf(deny);
  }

  /**
   * One destination of a test, "target:port".
   *
   * @param dst the destination subject
   * @param port the port tried
   * @param text the assertion as written
   * @param pos where it is written
   */
  public record Assertion(Selector dst, int port, String text, Position pos) {}
}
