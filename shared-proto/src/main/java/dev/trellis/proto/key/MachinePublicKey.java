package dev.trellis.proto.key;

import java.util.Arrays;

/**
 * A machine (control channel) public key (Curve25519, 32 bytes). Text form {@code mkey:<64 hex
 * digits>}; a distinct type so that one kind of key cannot be passed where another is expected.
 *
 * <p>Thread-safety: immutable.
 */
public final class MachinePublicKey {
  private static final String PREFIX = "mkey:";
  private final byte[] raw;

  private MachinePublicKey(byte[] raw) {
    this.raw = raw;
  }

  /** The key from its 32 raw bytes (copied). */
  public static MachinePublicKey fromBytes(byte[] raw) {
    return new MachinePublicKey(KeyBytes.copy(raw, "A machine (control channel) public key"));
  }

  /** Parses the {@code mkey:...} text form. */
  public static MachinePublicKey parse(String text) {
    return new MachinePublicKey(
        KeyBytes.parsePrefixed(text, PREFIX, "A machine (control channel) public key"));
  }

  /** Parses the standard base64 form used by WireGuard configuration files. */
  public static MachinePublicKey fromBase64(String text) {
    return new MachinePublicKey(
        KeyBytes.parseBase64(text, "A machine (control channel) public key"));
  }

  /** A copy of the 32 raw bytes. */
  public byte[] toBytes() {
    return raw.clone();
  }

  /** The standard base64 form. */
  public String toBase64() {
    return KeyBytes.base64(raw);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MachinePublicKey other && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  /** The {@code mkey:...} text form. */
  @Override
  public String toString() {
    return KeyBytes.prefixed(PREFIX, raw);
  }
}
