package dev.trellis.proto.key;

import java.util.Arrays;

/**
 * What every private key kind shares: 32 secret bytes that leave only through the {@code toSecret*}
 * methods (for 0600 state and configuration files, never logs), a {@code toString} that is
 * redacted, no {@code equals} (each kind compares in constant time with its own {@code sameAs}),
 * and {@link #destroy()}. Each kind is a final subclass of its own, so that one kind of key cannot
 * be passed where another is expected.
 *
 * <p>Thread-safety: immutable until {@link #destroy()}, which must not race with use.
 */
abstract class PrivateKeyBytes {
  private final String prefix;
  final byte[] raw;

  PrivateKeyBytes(String prefix, byte[] raw) {
    this.prefix = prefix;
    this.raw = raw;
  }

  /** A copy of the 32 raw bytes; the caller should zero it after use. */
  public byte[] toBytes() {
    return raw.clone();
  }

  /** The {@code prefix:hex} text form, for a 0600 state file only; never log it. */
  public String toSecretText() {
    return KeyBytes.prefixed(prefix, raw);
  }

  /** The base64 form, for WireGuard configuration and 0600 state files only; never log it. */
  public String toSecretBase64() {
    return KeyBytes.base64(raw);
  }

  /** Overwrites the key material with zeros. */
  public void destroy() {
    Arrays.fill(raw, (byte) 0);
  }

  /** Whether {@code other} is a key of the same kind with the same bytes, in constant time. */
  final boolean sameBytes(PrivateKeyBytes other) {
    return other != null
        && other.getClass() == getClass()
        && KeyBytes.constantTimeEquals(raw, other.raw);
  }

  /** Redacted: private keys are never printed. */
  @Override
  public final String toString() {
    return prefix + "<redacted>";
  }
}
