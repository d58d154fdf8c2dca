package dev.trellis.proto.key;

import dev.trellis.proto.crypto.X25519;

/**
 * A machine (control channel) private key (a clamped Curve25519 scalar, 32 bytes). Its {@code
 * toString} is redacted, it has no {@code equals} (compare with {@link #sameAs}, which runs in
 * constant time), and {@link #destroy()} zeroes it (shared behaviour in {@link PrivateKeyBytes}).
 *
 * <p>Thread-safety: immutable until {@link #destroy()}, which must not race with use.
 */
public final class MachinePrivateKey extends PrivateKeyBytes {
  private static final String PREFIX = "mprivkey:";
  private static final String KIND = "A machine (control channel) private key";

  private MachinePrivateKey(byte[] raw) {
    super(PREFIX, X25519.clamp(raw));
  }

  /** The key from its 32 raw bytes (copied and clamped). */
  public static MachinePrivateKey fromBytes(byte[] raw) {
    return new MachinePrivateKey(KeyBytes.copy(raw, KIND));
  }

  /** A fresh random key. */
  public static MachinePrivateKey generate() {
    return new MachinePrivateKey(X25519.generatePrivate());
  }

  /** Parses the {@code mprivkey:...} text form. */
  public static MachinePrivateKey parse(String text) {
    return new MachinePrivateKey(KeyBytes.parsePrefixed(text, PREFIX, KIND));
  }

  /** Parses the standard base64 form used by WireGuard configuration files. */
  public static MachinePrivateKey fromBase64(String text) {
    return new MachinePrivateKey(KeyBytes.parseBase64(text, KIND));
  }

  /** The matching public key. */
  public MachinePublicKey publicKey() {
    return MachinePublicKey.fromBytes(X25519.publicKey(raw));
  }

  /** Whether both keys are the same, compared in constant time. */
  public boolean sameAs(MachinePrivateKey other) {
    return sameBytes(other);
  }
}
