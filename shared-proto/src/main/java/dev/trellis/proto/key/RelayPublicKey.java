package dev.trellis.proto.key;

/**
 * A relay's static public key (Curve25519, 32 bytes), sent in the relay protocol's SERVER_HELLO.
 * Text form {@code relaykey:<64 hex digits>}; a distinct type so that one kind of key cannot be
 * passed where another is expected (shared behaviour in {@link PublicKeyBytes}).
 *
 * <p>Thread-safety: immutable.
 */
public final class RelayPublicKey extends PublicKeyBytes {
  private static final String PREFIX = "relaykey:";
  private static final String KIND = "A relay public key";

  private RelayPublicKey(byte[] raw) {
    super(PREFIX, raw);
  }

  /** The key from its 32 raw bytes (copied). */
  public static RelayPublicKey fromBytes(byte[] raw) {
    return new RelayPublicKey(KeyBytes.copy(raw, KIND));
  }

  /** Parses the {@code relaykey:...} text form. */
  public static RelayPublicKey parse(String text) {
    return new RelayPublicKey(KeyBytes.parsePrefixed(text, PREFIX, KIND));
  }

  /** Parses the standard base64 form used by WireGuard configuration files. */
  public static RelayPublicKey fromBase64(String text) {
    return new RelayPublicKey(KeyBytes.parseBase64(text, KIND));
  }
}
