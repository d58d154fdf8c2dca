package dev.trellis.proto.key;

/**
 * A node (WireGuard) public key (Curve25519, 32 bytes). Text form {@code nodekey:<64 hex digits>};
 * a distinct type so that one kind of key cannot be passed where another is expected (shared
 * behaviour in {@link PublicKeyBytes}).
 *
 * <p>Thread-safety: immutable.
 */
public final class NodePublicKey extends PublicKeyBytes {
  private static final String PREFIX = "nodekey:";
  private static final String KIND = "A node (WireGuard) public key";

  private NodePublicKey(byte[] raw) {
    super(PREFIX, raw);
  }

  /** The key from its 32 raw bytes (copied). */
  public static NodePublicKey fromBytes(byte[] raw) {
    return new NodePublicKey(KeyBytes.copy(raw, KIND));
  }

  /** Parses the {@code nodekey:...} text form. */
  public static NodePublicKey parse(String text) {
    return new NodePublicKey(KeyBytes.parsePrefixed(text, PREFIX, KIND));
  }

  /** Parses the standard base64 form used by WireGuard configuration files. */
  public static NodePublicKey fromBase64(String text) {
    return new NodePublicKey(KeyBytes.parseBase64(text, KIND));
  }
}
