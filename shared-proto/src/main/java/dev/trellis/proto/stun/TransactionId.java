package dev.trellis.proto.stun;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A STUN transaction id: the 12 bytes a client picks for a request and the server echoes in its
 * response, so that the client can match them. A value: equal ids are equal, and an id can key a
 * map of pending requests.
 *
 * <p>Thread-safety: immutable.
 */
public final class TransactionId {
  /** Its length in bytes. */
  public static final int LENGTH = 12;

  private final byte[] bytes;

  private TransactionId(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The id of these 12 bytes (copied). */
  public static TransactionId of(byte[] bytes) {
    if (bytes == null || bytes.length != LENGTH) {
      throw new IllegalArgumentException(
          "a STUN transaction id is "
              + LENGTH
              + " bytes, got "
              + (bytes == null ? "none" : bytes.length));
    }
    return new TransactionId(bytes.clone());
  }

  /** The id at {@code b[at .. at+12)}. */
  static TransactionId read(byte[] b, int at) {
    return new TransactionId(Arrays.copyOfRange(b, at, at + LENGTH));
  }

  /** Writes the id at {@code out[at .. at+12)}. */
  void writeTo(byte[] out, int at) {
    System.arraycopy(bytes, 0, out, at, LENGTH);
  }

  /** A copy of the 12 bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransactionId t && Arrays.equals(bytes, t.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** The id in hex. */
  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}
