package dev.trellis.proto.key;

import java.util.Arrays;

/**
 * A node (WireGuard) public key (Curve25519, 32 bytes). Text form {@code nodekey:<64 hex digits>};
 * a distinct type so that one kind of key cannot be passed where another is expected.
 *
 * <p>Thread-safety: immutable.
 */
public final class NodePublicKey {
  private static final String PREFIX = "nodekey:";
  private final byte[] raw;

  private NodePublicKey(byte[] raw) {
    this.raw = raw;
  }

  /** The key from its 32 raw bytes (copied). */
  public static NodePublicKey fromBytes(byte[] raw) {
    return new NodePublicKey(KeyBytes.copy(raw, "A node (WireGuard) public key"));
  }

  /** Parses the {@code nodekey:...} text form. */
  public static NodePublicKey parse(String text) {
    return new NodePublicKey(KeyBytes.parsePrefixed(text, PREFIX, "A node (WireGuard) public key"));
  }

  /** Parses the standard base64 form used by WireGuard configuration files. */
  public static NodePublicKey fromBase64(String text) {
    return new NodePublicKey(KeyBytes.parseBase64(text, "A node (WireGuard) public key"));
  }

  /** A copy of the 32 raw bytes. */
  public byte[] toBytes() {
    return raw.clone();
  }

  /** The standard base64 form. */
  public String toBase64() {
    return KeyBytes.base64(raw);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NodePublicKey other && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  /** The {@code nodekey:...} text form. */
  @Override
  public String toString() {
    return KeyBytes.prefixed(PREFIX, raw);
  }
}
