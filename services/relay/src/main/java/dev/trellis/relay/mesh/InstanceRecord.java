package dev.trellis.relay.mesh;

/**
 * Where a relay instance's mesh endpoint is, as kept in the Hazelcast map {@link
 * Presence#INSTANCES}: the Hazelcast member it runs in (to notice when it dies), the host and port
 * other instances dial, its TLS pin (empty when it serves plain TCP) and its region.
 *
 * <p>Thread-safety: immutable.
 *
 * @param instanceId the instance
 * @param memberUuid its Hazelcast member's UUID
 * @param host the host other instances dial
 * @param port the relay port
 * @param pin lower-case hex SHA-256 of its certificate's SPKI; empty for plain TCP
 * @param regionId its region
 */
public record InstanceRecord(
    String instanceId, String memberUuid, String host, int port, String pin, int regionId) {

  /** The text stored in Hazelcast (fields joined by '|'; none contains '|'). */
  public String encode() {
    return String.join(
        "|", instanceId, memberUuid, host, Integer.toString(port), pin, Integer.toString(regionId));
  }

  /** Parses {@link #encode()}'s text; null when it does not parse. */
  public static InstanceRecord decode(String text) {
    if (text == null) {
      return null;
    }
    String[] f = text.split("\\|", -1);
    if (f.length != 6) {
      return null;
    }
    try {
      return new InstanceRecord(
          f[0], f[1], f[2], Integer.parseInt(f[3]), f[4], Integer.parseInt(f[5]));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
