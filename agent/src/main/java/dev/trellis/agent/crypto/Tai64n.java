package dev.trellis.agent.crypto;

import java.time.Instant;

/**
 * TAI64N timestamps (12 bytes: big-endian seconds since 1970 plus 2^62 + 10, then big-endian
 * nanoseconds), as WireGuard puts in initiations. Like wireguard-go, the nanoseconds are rounded
 * down to a multiple of 2^24 so the timestamp leaks less about the local clock.
 *
 * <p>Thread-safety: stateless.
 */
public final class Tai64n {
  /** Encoded length. */
  public static final int LENGTH = 12;

  private static final long BASE = 0x400000000000000aL;
  private static final int WHITENER_MASK = 0x1000000 - 1;

  private Tai64n() {}

  /** The encoding of {@code time}. */
  public static byte[] encode(Instant time) {
    long secs = BASE + time.getEpochSecond();
    int nanos = time.getNano() & ~WHITENER_MASK;
    byte[] out = new byte[LENGTH];
    for (int i = 0; i < 8; i++) {
      out[i] = (byte) (secs >>> (56 - 8 * i));
    }
    for (int i = 0; i < 4; i++) {
      out[8 + i] = (byte) (nanos >>> (24 - 8 * i));
    }
    return out;
  }

  /** Whether timestamp {@code a} is strictly after {@code b} (unsigned byte-wise comparison). */
  public static boolean after(byte[] a, byte[] b) {
    return java.util.Arrays.compareUnsigned(a, b) > 0;
  }
}
