package dev.trellis.proto.key;

import dev.trellis.proto.crypto.X25519;

/**
 * A disco (path discovery) private key (a clamped Curve25519 scalar, 32 bytes). Its {@code
 * toString} is redacted, it has no {@code equals} (compare with {@link #sameAs}, which runs in
 * constant time), and {@link #destroy()} zeroes it (shared behaviour in {@link PrivateKeyBytes}).
 *
 * <p>Thread-safety: immutable until {@link #destroy()}, which must not race with use.
 */
public final class DiscoPrivateKey extends PrivateKeyBytes {
  private static final String PREFIX = "discoprivkey:";
  private static final String KIND = "A disco (path discovery) private key";

  private DiscoPrivateKey(byte[] raw) {
    super(PREFIX, X25519.clamp(raw));
  }

  /** The key from its 32 raw bytes (copied and clamped). */
  public static DiscoPrivateKey fromBytes(byte[] raw) {
    return new DiscoPrivateKey(KeyBytes.copy(raw, KIND));
  }

  /** A fresh random key. */
  public static DiscoPrivateKey generate() {
    return new DiscoPrivateKey(X25519.generatePrivate());
  }

  /** Parses the {@code discoprivkey:...} text form. */
  public static DiscoPrivateKey parse(String text) {
    return new DiscoPrivateKey(KeyBytes.parsePrefixed(text, PREFIX, KIND));
  }

  /** Parses the standard base64 form used by WireGuard configuration files. */
  public static DiscoPrivateKey fromBase64(String text) {
    return new DiscoPrivateKey(KeyBytes.parseBase64(text, KIND));
  }

  /** The matching public key. */
  public DiscoPublicKey publicKey() {
    return DiscoPublicKey.fromBytes(X25519.publicKey(raw));
  }

  /** Whether both keys are the same, compared in constant time. */
  public boolean sameAs(DiscoPrivateKey other) {
    return sameBytes(other);
  }
}
