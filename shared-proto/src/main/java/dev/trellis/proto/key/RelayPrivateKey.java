package dev.trellis.proto.key;

import dev.trellis.proto.crypto.X25519;
import java.util.Arrays;

/**
 * A relay's static private key (a clamped Curve25519 scalar, 32 bytes), with which it verifies
 * node-key proofs. Its {@code toString} is redacted, it has no {@code equals} (compare with {@link
 * #sameAs}, which runs in constant time), and {@link #destroy()} zeroes it.
 *
 * <p>Thread-safety: immutable until {@link #destroy()}, which must not race with use.
 */
public final class RelayPrivateKey {
  private static final String PREFIX = "relayprivkey:";
  private static final String KIND = "A relay private key";
  private final byte[] raw;
  private final RelayPublicKey publicKey;

  private RelayPrivateKey(byte[] raw) {
    this.raw = X25519.clamp(raw);
    this.publicKey = RelayPublicKey.fromBytes(X25519.publicKey(this.raw));
  }

  /** A fresh random key. */
  public static RelayPrivateKey generate() {
    return new RelayPrivateKey(X25519.generatePrivate());
  }

  /** The key from its 32 raw bytes (copied and clamped). */
  public static RelayPrivateKey fromBytes(byte[] raw) {
    return new RelayPrivateKey(KeyBytes.copy(raw, KIND));
  }

  /** Parses the {@code relayprivkey:...} text form. */
  public static RelayPrivateKey parse(String text) {
    return new RelayPrivateKey(KeyBytes.parsePrefixed(text, PREFIX, KIND));
  }

  /** Parses the base64 form written by {@link #toSecretBase64()}. */
  public static RelayPrivateKey fromBase64(String text) {
    return new RelayPrivateKey(KeyBytes.parseBase64(text, KIND));
  }

  /** The matching public key. */
  public RelayPublicKey publicKey() {
    return publicKey;
  }

  /** A copy of the 32 raw bytes; the caller should zero it after use. */
  public byte[] toBytes() {
    return raw.clone();
  }

  /** The {@code relayprivkey:...} text form, for a 0600 state file only; never log it. */
  public String toSecretText() {
    return KeyBytes.prefixed(PREFIX, raw);
  }

  /** The base64 form, for the relay's 0600 state file only; never log it. */
  public String toSecretBase64() {
    return KeyBytes.base64(raw);
  }

  /** Whether both keys are the same, compared in constant time. */
  public boolean sameAs(RelayPrivateKey other) {
    return other != null && KeyBytes.constantTimeEquals(raw, other.raw);
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
