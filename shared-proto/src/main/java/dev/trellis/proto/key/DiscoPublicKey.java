package dev.trellis.proto.key;

/**
 * A disco (path discovery) public key (Curve25519, 32 bytes). Text form {@code discokey:<64 hex
 * digits>}; a distinct type so that one kind of key cannot be passed where another is expected
 * (shared behaviour in {@link PublicKeyBytes}).
 *
 * <p>Thread-safety: immutable.
 */
public final class DiscoPublicKey extends PublicKeyBytes {
  private static final String PREFIX = "discokey:";
  private static final String KIND = "A disco (path discovery) public key";

  private DiscoPublicKey(byte[] raw) {
    super(PREFIX, raw);
  }

  /** The key from its 32 raw bytes (copied). */
  public static DiscoPublicKey fromBytes(byte[] raw) {
    return new DiscoPublicKey(KeyBytes.copy(raw, KIND));
  }

  /** Parses the {@code discokey:...} text form. */
  public static DiscoPublicKey parse(String text) {
    return new DiscoPublicKey(KeyBytes.parsePrefixed(text, PREFIX, KIND));
  }

  /** Parses the standard base64 form used by WireGuard configuration files. */
  public static DiscoPublicKey fromBase64(String text) {
    return new DiscoPublicKey(KeyBytes.parseBase64(text, KIND));
  }
}
