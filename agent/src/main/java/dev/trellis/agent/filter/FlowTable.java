package dev.trellis.agent.filter;

/**
 * A bounded table of recent outbound flows, so that their return traffic is let in: keyed by (IP
 * version, protocol, local address and port, remote address and port), each entry expiring after an
 * idle timeout. It is set-associative — a flow hashes to one bucket of {@value #WAYS} slots — and
 * when a bucket is full the least recently used slot is reused, so memory is fixed and nothing is
 * allocated per packet.
 *
 * <p>Thread-safety: safe from any thread. Buckets are guarded by striped locks ({@code locks[bucket
 * % stripes]}); every slot array below is read and written only under its bucket's lock.
 */
final class FlowTable {
  static final int WAYS = 8;
  private static final int STRIPES = 64;

  private final int bucketMask;
  private final long idleNanos;
  private final Object[] locks = new Object[STRIPES];
  // Guarded by the stripe lock of the slot's bucket.
  private final int[] meta;
  private final int[] ports;
  private final long[] localHi;
  private final long[] localLo;
  private final long[] remoteHi;
  private final long[] remoteLo;
  private final long[] seen;
  private final java.util.concurrent.atomic.AtomicLong evictions =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * A table for about {@code capacity} flows: it has twice that many slots (rounded up to a power
   * of two of buckets), so that a table filled to its capacity seldom finds a bucket full.
   */
  FlowTable(int capacity, long idleNanos) {
    int wanted = Math.max(1, (int) Math.min(1 << 24, (2L * capacity + WAYS - 1) / WAYS));
    int buckets = Integer.highestOneBit(wanted * 2 - 1);
    bucketMask = buckets - 1;
    this.idleNanos = idleNanos;
    int slots = buckets * WAYS;
    meta = new int[slots];
    ports = new int[slots];
    localHi = new long[slots];
    localLo = new long[slots];
    remoteHi = new long[slots];
    remoteLo = new long[slots];
    seen = new long[slots];
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  int capacity() {
    return meta.length;
  }

  private int bucket(int m, int p, long lh, long ll, long rh, long rl) {
    long h = m * 0x9E3779B97F4A7C15L;
    h ^= p * 0xC2B2AE3D27D4EB4FL;
    h = (h ^ lh) * 0x9E3779B97F4A7C15L;
    h = (h ^ ll) * 0xC2B2AE3D27D4EB4FL;
    h = (h ^ rh) * 0x9E3779B97F4A7C15L;
    h = (h ^ rl) * 0xC2B2AE3D27D4EB4FL;
    // MurmurHash3's 64-bit finalizer, so that every input bit reaches the bucket bits.
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return (int) h & bucketMask;
  }

  private boolean same(int i, int m, int p, long lh, long ll, long rh, long rl) {
    return meta[i] == m
        && ports[i] == p
        && localLo[i] == ll
        && remoteLo[i] == rl
        && localHi[i] == lh
        && remoteHi[i] == rh;
  }

  /**
   * Whether the flow is present and not idle past the timeout; a hit refreshes it.
   *
   * @param m key meta: {@code version << 8 | protocol}, never 0
   * @param p key ports: {@code localPort << 16 | remotePort}
   */
  boolean touch(int m, int p, long lh, long ll, long rh, long rl, long now) {
    int b = bucket(m, p, lh, ll, rh, rl);
    synchronized (locks[b & (STRIPES - 1)]) {
      for (int i = b * WAYS, end = i + WAYS; i < end; i++) {
        if (same(i, m, p, lh, ll, rh, rl)) {
          if (now - seen[i] > idleNanos) {
            meta[i] = 0;
            return false;
          }
          seen[i] = now;
          return true;
        }
      }
    }
    return false;
  }

  /** Records (or refreshes) a flow, reusing the least recently used slot of a full bucket. */
  void record(int m, int p, long lh, long ll, long rh, long rl, long now) {
    int b = bucket(m, p, lh, ll, rh, rl);
    boolean free = false;
    synchronized (locks[b & (STRIPES - 1)]) {
      int victim = -1;
      long oldest = 0;
      for (int i = b * WAYS, end = i + WAYS; i < end; i++) {
        if (same(i, m, p, lh, ll, rh, rl)) {
          seen[i] = now;
          return;
        }
        if (free) {
          continue;
        }
        if (meta[i] == 0 || now - seen[i] > idleNanos) {
          victim = i;
          free = true;
        } else if (victim < 0 || seen[i] - oldest < 0) {
          victim = i;
          oldest = seen[i];
        }
      }
      meta[victim] = m;
      ports[victim] = p;
      localHi[victim] = lh;
      localLo[victim] = ll;
      remoteHi[victim] = rh;
      remoteLo[victim] = rl;
      seen[victim] = now;
    }
    if (!free) {
      evictions.incrementAndGet();
    }
  }

  long evictions() {
    return evictions.get();
  }
}
