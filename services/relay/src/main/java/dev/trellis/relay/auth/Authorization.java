package dev.trellis.relay.auth;

import java.time.Instant;

/**
 * The key registry's verdict on a node key: allowed (with the node, its tailnet and when its key
 * expires) or refused with a reason for counters and the device's HEALTH message.
 *
 * <p>Thread-safety: immutable.
 *
 * @param nodeId the node holding the key, or empty when unknown
 * @param tailnetId its tailnet, or empty when unknown
 * @param keyExpiry when the key expires; null when it does not
 * @param refusal why the key is refused (a counter label), or null when allowed
 */
public record Authorization(String nodeId, String tailnetId, Instant keyExpiry, String refusal) {
  /** An allowed key. */
  public static Authorization allowed(String nodeId, String tailnetId, Instant keyExpiry) {
    return new Authorization(nodeId, tailnetId, keyExpiry, null);
  }

  /** A refused key. */
  public static Authorization refused(String nodeId, String reason) {
    return new Authorization(nodeId, "", null, reason);
  }

  /** Whether the node may use the relay. */
  public boolean isAllowed() {
    return refusal == null;
  }

  /** Whether the allowance still holds at {@code now} (the key has not expired meanwhile). */
  public boolean holdsAt(Instant now) {
    return isAllowed() && (keyExpiry == null || now.isBefore(keyExpiry));
  }
}
