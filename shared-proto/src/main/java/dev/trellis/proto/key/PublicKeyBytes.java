package dev.trellis.proto.key;

import java.util.Arrays;

/**
 * What every public key kind shares: 32 bytes, the {@code prefix:hex} text form as {@code toString}
 * and the base64 form, and equality by kind and bytes (a node key never equals a disco key with the
 * same bytes). Each kind is a final subclass of its own, so that one kind of key cannot be passed
 * where another is expected.
 *
 * <p>Thread-safety: immutable.
 */
abstract class PublicKeyBytes {
  private final String prefix;
  private final byte[] raw;

  PublicKeyBytes(String prefix, byte[] raw) {
    this.prefix = prefix;
    this.raw = raw;
  }

  /** A copy of the 32 raw bytes. */
  public byte[] toBytes() {
    return raw.clone();
  }

  /** Writes the 32 raw bytes into {@code dst} at {@code offset} (no copy of the key is made). */
  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(raw, 0, dst, offset, raw.length);
  }

  /** The standard base64 form. */
  public String toBase64() {
    return KeyBytes.base64(raw);
  }

  @Override
  public final boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && Arrays.equals(raw, ((PublicKeyBytes) o).raw);
  }

  @Override
  public final int hashCode() {
    return Arrays.hashCode(raw);
  }

  /** The {@code prefix:hex} text form. */
  @Override
  public final String toString() {
    return KeyBytes.prefixed(prefix, raw);
  }
}
