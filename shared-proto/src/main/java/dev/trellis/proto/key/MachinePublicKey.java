package dev.trellis.proto.key;

/**
 * A machine (control channel) public key (Curve25519, 32 bytes). Text form {@code mkey:<64 hex
 * digits>}; a distinct type so that one kind of key cannot be passed where another is expected
 * (shared behaviour in {@link PublicKeyBytes}).
 *
 * <p>Thread-safety: immutable.
 */
public final class MachinePublicKey extends PublicKeyBytes {
  private static final String PREFIX = "mkey:";
  private static final String KIND = "A machine (control channel) public key";

  private MachinePublicKey(byte[] raw) {
    super(PREFIX, raw);
  }

  /** The key from its 32 raw bytes (copied). */
  public static MachinePublicKey fromBytes(byte[] raw) {
    return new MachinePublicKey(KeyBytes.copy(raw, KIND));
  }

  /** Parses the {@code mkey:...} text form. */
  public static MachinePublicKey parse(String text) {
    return new MachinePublicKey(KeyBytes.parsePrefixed(text, PREFIX, KIND));
  }

  /** Parses the standard base64 form used by WireGuard configuration files. */
  public static MachinePublicKey fromBase64(String text) {
    return new MachinePublicKey(KeyBytes.parseBase64(text, KIND));
  }
}
