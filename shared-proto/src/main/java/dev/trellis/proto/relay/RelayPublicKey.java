package dev.trellis.proto.relay;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A relay's static X25519 public key (32 bytes), sent in SERVER_HELLO. Text form {@code
 * relaykey:<64 hex digits>}; a distinct type so it cannot be mistaken for a node key.
 *
 * <p>Thread-safety: immutable.
 */
public final class RelayPublicKey {
  private static final String PREFIX = "relaykey:";
  private final byte[] raw;

  private RelayPublicKey(byte[] raw) {
    this.raw = raw;
  }

  /** The key from its 32 raw bytes (copied). */
  public static RelayPublicKey fromBytes(byte[] raw) {
    if (raw == null || raw.length != Frames.KEY_BYTES) {
      throw new IllegalArgumentException(
          "A relay public key must be 32 bytes, got " + (raw == null ? "none" : raw.length));
    }
    return new RelayPublicKey(raw.clone());
  }

  /** A copy of the 32 raw bytes. */
  public byte[] toBytes() {
    return raw.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RelayPublicKey other && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  /** The {@code relaykey:...} text form. */
  @Override
  public String toString() {
    return PREFIX + HexFormat.of().formatHex(raw);
  }
}
