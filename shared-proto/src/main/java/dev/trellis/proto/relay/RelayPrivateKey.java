package dev.trellis.proto.relay;

import dev.trellis.proto.crypto.X25519;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A relay's static X25519 private key, with which it verifies node-key proofs. Its {@code toString}
 * is redacted, it has no {@code equals}, and {@link #destroy()} zeroes it.
 *
 * <p>Thread-safety: immutable until {@link #destroy()}, which must not race with use.
 */
public final class RelayPrivateKey {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final byte[] raw;
  private final RelayPublicKey publicKey;

  private RelayPrivateKey(byte[] raw) {
    this.raw = X25519.clamp(raw);
    this.publicKey = RelayPublicKey.fromBytes(X25519.publicKey(raw));
  }

  /** A fresh random key. */
  public static RelayPrivateKey generate() {
    byte[] raw = new byte[Frames.KEY_BYTES];
    RANDOM.nextBytes(raw);
    return new RelayPrivateKey(raw);
  }

  /** The key from its 32 raw bytes (copied and clamped). */
  public static RelayPrivateKey fromBytes(byte[] raw) {
    if (raw == null || raw.length != Frames.KEY_BYTES) {
      throw new IllegalArgumentException("A relay private key must be 32 bytes");
    }
    return new RelayPrivateKey(raw.clone());
  }

  /** Parses the base64 form written by {@link #toSecretBase64()}. */
  public static RelayPrivateKey fromBase64(String text) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(text == null ? "" : text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("A relay private key is not valid base64", e);
    }
    return fromBytes(raw);
  }

  /** The matching public key. */
  public RelayPublicKey publicKey() {
    return publicKey;
  }

  /** A copy of the 32 raw bytes; the caller should zero it after use. */
  public byte[] toBytes() {
    return raw.clone();
  }

  /** The base64 form, for the relay's 0600 state file only; never log it. */
  public String toSecretBase64() {
    return Base64.getEncoder().encodeToString(raw);
  }

  /** Overwrites the key material with zeros. */
  public void destroy() {
    Arrays.fill(raw, (byte) 0);
  }

  /** Redacted: private keys are never printed. */
  @Override
  public String toString() {
    return "relayprivkey:<redacted>";
  }
}
