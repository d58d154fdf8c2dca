package dev.trellis.proto.key;

import dev.trellis.proto.crypto.X25519;
import java.util.Arrays;

/**
 * A node (WireGuard) private key (a clamped Curve25519 scalar, 32 bytes). Its {@code toString} is
 * redacted, it has no {@code equals} (compare with {@link #sameAs}, which runs in constant time),
 * and {@link #destroy()} zeroes it.
 *
 * <p>Thread-safety: immutable until {@link #destroy()}, which must not race with use.
 */
public final class NodePrivateKey {
  private static final String PREFIX = "privkey:";
  private final byte[] raw;

  private NodePrivateKey(byte[] raw) {
    this.raw = raw;
  }

  /** The key from its 32 raw bytes (copied and clamped). */
  public static NodePrivateKey fromBytes(byte[] raw) {
    return new NodePrivateKey(X25519.clamp(KeyBytes.copy(raw, "A node (WireGuard) private key")));
  }

  /** A fresh random key. */
  public static NodePrivateKey generate() {
    return new NodePrivateKey(X25519.generatePrivate());
  }

  /** Parses the {@code privkey:...} text form. */
  public static NodePrivateKey parse(String text) {
    return new NodePrivateKey(
        X25519.clamp(KeyBytes.parsePrefixed(text, PREFIX, "A node (WireGuard) private key")));
  }

  /** Parses the standard base64 form used by WireGuard configuration files. */
  public static NodePrivateKey fromBase64(String text) {
    return new NodePrivateKey(
        X25519.clamp(KeyBytes.parseBase64(text, "A node (WireGuard) private key")));
  }

  /** The matching public key. */
  public NodePublicKey publicKey() {
    return NodePublicKey.fromBytes(X25519.publicKey(raw));
  }

  /** A copy of the 32 raw bytes; the caller should zero it after use. */
  public byte[] toBytes() {
    return raw.clone();
  }

  /** The {@code privkey:...} text form, for the agent's 0600 state file only; never log it. */
  public String toSecretText() {
    return KeyBytes.prefixed(PREFIX, raw);
  }

  /** The base64 form, for WireGuard configuration files only; never log it. */
  public String toSecretBase64() {
    return KeyBytes.base64(raw);
  }

  /** Whether both keys are the same, compared in constant time. */
  public boolean sameAs(NodePrivateKey other) {
    return other != null && KeyBytes.constantTimeEquals(raw, other.raw);
  }

  /** Overwrites the key material with zeros. */
  public void destroy() {
    Arrays.fill(raw, (byte) 0);
  }

  /** Redacted: private keys are never printed. */
  @Override
  public String toString() {
    return "privkey:<redacted>";
  }
}
