package dev.trellis.relay.stun;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A per-source rate limit for the STUN server: each source address may have {@code perSecond}
 * requests answered per second (a token bucket holding at most one second's worth), so one address
 * cannot make the relay answer a flood, nor use it to reflect traffic at a victim whose address it
 * forges. At most {@value #MAX_SOURCES} sources are tracked; when full, buckets idle for a second
 * are forgotten, and if none is, every source shares the overflow bucket.
 *
 * <p>Thread-safety: confined to the STUN server's read thread.
 */
public final class SourceRate {
  static final int MAX_SOURCES = 65_536;
  private static final long SECOND = 1_000_000_000L;

  private final int perSecond;
  private final LongSupplier nanoTime;
  private final Map<InetAddress, long[]> buckets = new HashMap<>();
  private final long[] overflow = {0, 0};

  /** {@code perSecond} answers per source per second, timed by {@code nanoTime}. */
  public SourceRate(int perSecond, LongSupplier nanoTime) {
    this.perSecond = perSecond;
    this.nanoTime = nanoTime;
  }

  /** Whether a request from {@code source} may be answered now (takes a token if so). */
  public boolean allow(InetAddress source) {
    long now = nanoTime.getAsLong();
    long[] b = buckets.get(source);
    if (b == null) {
      if (buckets.size() >= MAX_SOURCES) {
        buckets.values().removeIf(x -> now - x[1] >= SECOND);
      }
      if (buckets.size() >= MAX_SOURCES) {
        b = overflow;
      } else {
        b = new long[] {perSecond, now}; // [tokens, last refill]
        buckets.put(source, b);
      }
    }
    long refill = (now - b[1]) * perSecond / SECOND;
    if (refill > 0) {
      b[0] = Math.min(perSecond, b[0] + refill);
      b[1] = now;
    }
    if (b[0] <= 0) {
      return false;
    }
    b[0]--;
    return true;
  }
}
