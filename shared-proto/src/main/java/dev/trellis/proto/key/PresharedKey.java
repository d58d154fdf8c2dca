package dev.trellis.proto.key;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A WireGuard preshared key (32 random bytes, mixed into the handshake for post-quantum
 * resistance). Secret: redacted {@code toString}, no {@code equals}, zeroed by {@link #destroy()}.
 *
 * <p>Thread-safety: immutable until {@link #destroy()}.
 */
public final class PresharedKey {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final byte[] raw;

  private PresharedKey(byte[] raw) {
    this.raw = raw;
  }

  /** The key from its 32 raw bytes (copied). */
  public static PresharedKey fromBytes(byte[] raw) {
    return new PresharedKey(KeyBytes.copy(raw, "preshared key"));
  }

  /** Parses the base64 form used by WireGuard configuration files. */
  public static PresharedKey fromBase64(String text) {
    return new PresharedKey(KeyBytes.parseBase64(text, "preshared key"));
  }

  /** A fresh random key. */
  public static PresharedKey generate() {
    byte[] raw = new byte[KeyBytes.LENGTH];
    RANDOM.nextBytes(raw);
    return new PresharedKey(raw);
  }

  /** A copy of the 32 raw bytes. */
  public byte[] toBytes() {
    return raw.clone();
  }

  /** The base64 form, for configuration files only; never log it. */
  public String toSecretBase64() {
    return KeyBytes.base64(raw);
  }

  /** Whether both keys are the same, compared in constant time. */
  public boolean sameAs(PresharedKey other) {
    return other != null && KeyBytes.constantTimeEquals(raw, other.raw);
  }

  /** Overwrites the key with zeros. */
  public void destroy() {
    Arrays.fill(raw, (byte) 0);
  }

  @Override
  public String toString() {
    return "psk<redacted>";
  }
}
