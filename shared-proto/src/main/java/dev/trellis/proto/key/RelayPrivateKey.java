package dev.trellis.proto.key;

import dev.trellis.proto.crypto.X25519;

/**
 * A relay's static private key (a clamped Curve25519 scalar, 32 bytes), with which it verifies
 * node-key proofs. Its {@code toString} is redacted, it has no {@code equals} (compare with {@link
 * #sameAs}, which runs in constant time), and {@link #destroy()} zeroes it (shared behaviour in
 * {@link PrivateKeyBytes}).
 *
 * <p>Thread-safety: immutable until {@link #destroy()}, which must not race with use.
 */
public final class RelayPrivateKey extends PrivateKeyBytes {
  private static final String PREFIX = "relayprivkey:";
  private static final String KIND = "A relay private key";
  private final RelayPublicKey publicKey;

  private RelayPrivateKey(byte[] raw) {
    super(PREFIX, X25519.clamp(raw));
    this.publicKey = RelayPublicKey.fromBytes(X25519.publicKey(raw));
  }

  /** The key from its 32 raw bytes (copied and clamped). */
  public static RelayPrivateKey fromBytes(byte[] raw) {
    return new RelayPrivateKey(KeyBytes.copy(raw, KIND));
  }

  /** A fresh random key. */
  public static RelayPrivateKey generate() {
    return new RelayPrivateKey(X25519.generatePrivate());
  }

  /** Parses the {@code relayprivkey:...} text form. */
  public static RelayPrivateKey parse(String text) {
    return new RelayPrivateKey(KeyBytes.parsePrefixed(text, PREFIX, KIND));
  }

  /** Parses the standard base64 form used by WireGuard configuration files. */
  public static RelayPrivateKey fromBase64(String text) {
    return new RelayPrivateKey(KeyBytes.parseBase64(text, KIND));
  }

  /** The matching public key. */
  public RelayPublicKey publicKey() {
    return publicKey;
  }

  /** Whether both keys are the same, compared in constant time. */
  public boolean sameAs(RelayPrivateKey other) {
    return sameBytes(other);
  }
}
