package dev.trellis.agent.wireguard;

/**
 * The sliding replay window of a receiving session (RFC 6479, as wireguard-go): a ring of 128
 * 64-bit blocks, so counters up to 8128 behind the newest one are still accepted once each.
 *
 * <p>Thread-safety: not thread-safe; the device checks a session's window from one thread.
 */
public final class ReplayWindow {
  private static final int BLOCK_BITS_LOG = 6;
  private static final int RING_BLOCKS = 128;
  private static final int BLOCK_MASK = RING_BLOCKS - 1;

  /** How far behind the newest counter a counter may be and still be accepted. */
  public static final long WINDOW_SIZE = (RING_BLOCKS - 1) * 64L;

  private final long[] blocks = new long[RING_BLOCKS];
  private long last;

  /**
   * Accepts {@code counter} if it is below the reject limit, not too old and not seen before, and
   * marks it seen.
   */
  public boolean accept(long counter) {
    if (Long.compareUnsigned(counter, Spec.REJECT_AFTER_MESSAGES) >= 0) {
      return false;
    }
    long indexBlock = counter >>> BLOCK_BITS_LOG;
    if (Long.compareUnsigned(counter, last) > 0) {
      long current = last >>> BLOCK_BITS_LOG;
      long diff = indexBlock - current;
      if (diff > RING_BLOCKS) {
        diff = RING_BLOCKS;
      }
      for (long i = current + 1; i <= current + diff; i++) {
        blocks[(int) (i & BLOCK_MASK)] = 0;
      }
      last = counter;
    } else if (last - counter > WINDOW_SIZE) {
      return false;
    }
    int block = (int) (indexBlock & BLOCK_MASK);
    long bit = 1L << (counter & 63);
    long old = blocks[block];
    blocks[block] = old | bit;
    return (old & bit) == 0;
  }

  /** Forgets everything (a fresh session). */
  public void reset() {
    java.util.Arrays.fill(blocks, 0);
    last = 0;
  }
}
