package dev.trellis.proto.key;

import java.util.Arrays;

/**
 * A relay's static public key (Curve25519, 32 bytes), sent in the relay protocol's SERVER_HELLO.
 * Text form {@code relaykey:<64 hex digits>}; a distinct type so that it cannot be mistaken for a
 * node key.
 *
 * <p>Thread-safety: immutable.
 */
public final class RelayPublicKey {
  private static final String PREFIX = "relaykey:";
  private static final String KIND = "A relay public key";
  private final byte[] raw;

  private RelayPublicKey(byte[] raw) {
    this.raw = raw;
  }

  /** The key from its 32 raw bytes (copied). */
  public static RelayPublicKey fromBytes(byte[] raw) {
    return new RelayPublicKey(KeyBytes.copy(raw, KIND));
  }

  /** Parses the {@code relaykey:...} text form. */
  public static RelayPublicKey parse(String text) {
    return new RelayPublicKey(KeyBytes.parsePrefixed(text, PREFIX, KIND));
  }

  /** Parses the standard base64 form. */
  public static RelayPublicKey fromBase64(String text) {
    return new RelayPublicKey(KeyBytes.parseBase64(text, KIND));
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
    return o instanceof RelayPublicKey other && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  /** The {@code relaykey:...} text form. */
  @Override
  public String toString() {
    return KeyBytes.prefixed(PREFIX, raw);
  }
}
