package dev.trellis.policyengine.edit;

import dev.trellis.policyengine.load.PolicyLoader;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.policyengine.model.Problem;
import dev.trellis.proto.event.v1.PolicyRejected;
import dev.trellis.proto.event.v1.PolicyUpdated;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Decides a proposed policy edit: the event to append ({@code PolicyUpdated} with the next version
 * or {@code PolicyRejected} with every problem and its line and column) and, when accepted, the
 * policy to compile. A refused edit leaves the running policy in force — the caller simply keeps
 * it.
 *
 * <p>Thread-safety: stateless.
 */
public final class PolicyEdits {
  private PolicyEdits() {}

  /** The outcome of an edit. */
  public sealed interface Decision {}

  /** The edit is accepted: append {@code event}, then compile {@code policy}. */
  public record Accepted(Policy policy, PolicyUpdated event) implements Decision {}

  /** The edit is refused: append {@code event}; nothing else changes. */
  public record Refused(PolicyRejected event) implements Decision {}

  /**
   * Decides an edit of a tailnet whose policy is {@code current} (null before the first edit, when
   * the default policy is in force).
   */
  public static Decision decide(String hujson, PolicyUpdated current) {
    String sha = sha256(hujson);
    long base = current == null ? 0 : current.getVersion();
    PolicyLoader.Result r = PolicyLoader.load(hujson);
    if (!r.accepted()) {
      PolicyRejected.Builder b = PolicyRejected.newBuilder().setSha256(sha).setBaseVersion(base);
      for (Problem p : r.problems()) {
        b.addErrors(
            PolicyRejected.Error.newBuilder()
                .setLine(p.pos().line())
                .setColumn(p.pos().column())
                .setCode(p.code())
                .setMessage(p.message()));
      }
      return new Refused(b.build());
    }
    return new Accepted(
        r.policy().orElseThrow(),
        PolicyUpdated.newBuilder()
            .setHujson(hujson)
            .setSha256(sha)
            .setVersion(base + 1)
            .setPreviousSha256(current == null ? "" : current.getSha256())
            .build());
  }

  /** Lower-case hex SHA-256 of the text's UTF-8 bytes. */
  public static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
