package dev.trellis.agent.device;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-source-address token buckets for handshake messages under load (as wireguard-go: 20 per
 * second, bursts of 5). Stale buckets are swept once a second.
 *
 * <p>Thread-safety: guarded by {@code this}; used by the handshake worker.
 */
final class RateLimiter {
  private static final long PACKET_COST = 1_000_000_000L / 20;
  private static final long MAX_TOKENS = PACKET_COST * 5;

  private static final class Bucket {
    long tokens = MAX_TOKENS;
    long lastNanos;
  }

  private final Map<InetAddress, Bucket> buckets = new HashMap<>();
  private long lastSweep;

  synchronized boolean allow(InetAddress source, long nowNanos) {
    if (nowNanos - lastSweep > 1_000_000_000L) {
      buckets.values().removeIf(b -> nowNanos - b.lastNanos > 1_000_000_000L);
      lastSweep = nowNanos;
    }
    Bucket b = buckets.get(source);
    if (b == null) {
      b = new Bucket();
      b.lastNanos = nowNanos;
      buckets.put(source, b);
    }
    b.tokens = Math.min(MAX_TOKENS, b.tokens + (nowNanos - b.lastNanos));
    b.lastNanos = nowNanos;
    if (b.tokens >= PACKET_COST) {
      b.tokens -= PACKET_COST;
      return true;
    }
    return false;
  }
}
