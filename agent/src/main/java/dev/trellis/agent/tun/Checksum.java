package dev.trellis.agent.tun;

/**
 * The Internet checksum (RFC 1071): a ones'-complement sum of 16-bit big-endian words.
 *
 * <p>Thread-safety: stateless.
 */
final class Checksum {
  private static final java.lang.invoke.VarHandle LONG_BE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  private Checksum() {}

  /** Adds {@code b[from .. from + len)} (an odd tail is padded with zero) to {@code sum}. */
  static int add(int sum, byte[] b, int from, int len) {
    long s = sum & 0xffffffffL;
    int i = from;
    int end = from + len;
    // Eight bytes per step: the sum of 32-bit big-endian words folds to the same 16-bit sum.
    for (; i + 8 <= end; i += 8) {
      long v = (long) LONG_BE.get(b, i);
      s += (v >>> 32) + (v & 0xffffffffL);
    }
    for (; i + 2 <= end; i += 2) {
      s += (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }
    if (i < end) {
      s += (b[i] & 0xff) << 8;
    }
    return fold32(s);
  }

  /** Adds a value to a running sum. */
  static int add(int sum, int value) {
    return fold32((sum & 0xffffffffL) + (value & 0xffffffffL));
  }

  /** Folds a running sum to 16 bits (not complemented). */
  static int fold(int sum) {
    long s = sum & 0xffffffffL;
    while ((s >>> 16) != 0) {
      s = (s & 0xffff) + (s >>> 16);
    }
    return (int) s;
  }

  private static int fold32(long s) {
    while ((s >>> 32) != 0) {
      s = (s & 0xffffffffL) + (s >>> 32);
    }
    // Keep it small so later additions never overflow 64 bits.
    while ((s >>> 16) != 0) {
      s = (s & 0xffff) + (s >>> 16);
    }
    return (int) s;
  }
}
