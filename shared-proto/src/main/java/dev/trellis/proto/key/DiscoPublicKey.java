package dev.trellis.proto.key;

import java.util.Arrays;

/**
 * A disco (path discovery) public key (Curve25519, 32 bytes). Text form {@code discokey:<64 hex
 * digits>}; a distinct type so that one kind of key cannot be passed where another is expected.
 *
 * <p>Thread-safety: immutable.
 */
public final class DiscoPublicKey {
  private static final String PREFIX = "discokey:";
  private final byte[] raw;

  private DiscoPublicKey(byte[] raw) {
    this.raw = raw;
  }

  /** The key from its 32 raw bytes (copied). */
  public static DiscoPublicKey fromBytes(byte[] raw) {
    return new DiscoPublicKey(KeyBytes.copy(raw, "A disco (path discovery) public key"));
  }

  /** Parses the {@code discokey:...} text form. */
  public static DiscoPublicKey parse(String text) {
    return new DiscoPublicKey(
        KeyBytes.parsePrefixed(text, PREFIX, "A disco (path discovery) public key"));
  }

  /** Parses the standard base64 form used by WireGuard configuration files. */
  public static DiscoPublicKey fromBase64(String text) {
    return new DiscoPublicKey(KeyBytes.parseBase64(text, "A disco (path discovery) public key"));
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
    return o instanceof DiscoPublicKey other && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  /** The {@code discokey:...} text form. */
  @Override
  public String toString() {
    return KeyBytes.prefixed(PREFIX, raw);
  }
}
