package dev.trellis.proto.key;

import dev.trellis.proto.crypto.X25519;

/**
 * A node (WireGuard) private key (a clamped Curve25519 scalar, 32 bytes). Its {@code toString} is
 * redacted, it has no {@code equals} (compare with {@link #sameAs}, which runs in constant time),
 * and {@link #destroy()} zeroes it (shared behaviour in {@link PrivateKeyBytes}).
 *
 * <p>Thread-safety: immutable until {@link #destroy()}, which must not race with use.
 */
public final class NodePrivateKey extends PrivateKeyBytes {
  private static final String PREFIX = "privkey:";
  private static final String KIND = "A node (WireGuard) private key";

  private NodePrivateKey(byte[] raw) {
    super(PREFIX, X25519.clamp(raw));
  }

  /** The key from its 32 raw bytes (copied and clamped). */
  public static NodePrivateKey fromBytes(byte[] raw) {
    return new NodePrivateKey(KeyBytes.copy(raw, KIND));
  }

  /** A fresh random key. */
  public static NodePrivateKey generate() {
    return new NodePrivateKey(X25519.generatePrivate());
  }

  /** Parses the {@code privkey:...} text form. */
  public static NodePrivateKey parse(String text) {
    return new NodePrivateKey(KeyBytes.parsePrefixed(text, PREFIX, KIND));
  }

  /** Parses the standard base64 form used by WireGuard configuration files. */
  public static NodePrivateKey fromBase64(String text) {
    return new NodePrivateKey(KeyBytes.parseBase64(text, KIND));
  }

  /** The matching public key. */
  public NodePublicKey publicKey() {
    return NodePublicKey.fromBytes(X25519.publicKey(raw));
  }

  /** Whether both keys are the same, compared in constant time. */
  public boolean sameAs(NodePrivateKey other) {
    return sameBytes(other);
  }
}
