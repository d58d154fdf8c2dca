package dev.trellis.ipam.allocate;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.ipam.projection.AllocationProjection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The allocator's cross-instance decisions, made with built-in Hazelcast map operations only (lock,
 * putIfAbsent, remove-if-equal, replace-if-equal), so members of a shared cluster need no ipam
 * classes (an entry processor would have to be on every member's classpath):
 *
 * <ul>
 *   <li>a cluster-wide lock per (tailnet, node) serialises the allocation and the release of one
 *       node, which makes a repeated or concurrent request for the same node answer the same
 *       addresses;
 *   <li>an address is claimed with putIfAbsent before the event that gives it away is appended: of
 *       two instances choosing the same address at once, exactly one gets it. The projection is the
 *       lasting record; a claim only covers the time until the projection shows the event, so
 *       claims are removed once it does and expire after {@link #CLAIM_TTL} if their holder died;
 *   <li>a per-tailnet cursor hands each allocation the next candidate ordinal (compare-and-set), so
 *       concurrent allocations start on different addresses instead of contending for one. The
 *       cursor is only a hint; correctness rests on the claims and the projection.
 * </ul>
 *
 * <p>Maps: {@code ipam-claims.nodes} (locks only), {@code ipam-claims.addresses}, {@code
 * ipam-claims.cursors}. None is part of the projection: losing them loses nothing but the cursor
 * position (allocation then probes from the start of the pool again).
 *
 * <p>Thread-safety: thread-safe; blocking (command threads only). A lock is owned by the thread
 * that took it.
 */
public final class AddressClaims {
  /** How long a claim lives without being removed; far longer than an append and catch-up. */
  public static final Duration CLAIM_TTL = Duration.ofMinutes(10);

  /** Longest a node lock is held if its holder dies. */
  static final Duration LOCK_LEASE = Duration.ofSeconds(90);

  private final IMap<String, String> nodes;
  private final IMap<String, String> addresses;
  private final IMap<String, Long> cursors;

  public AddressClaims(HazelcastInstance hazelcast) {
    this.nodes = hazelcast.getMap("ipam-claims.nodes");
    this.addresses = hazelcast.getMap("ipam-claims.addresses");
    this.cursors = hazelcast.getMap("ipam-claims.cursors");
  }

  /** Runs {@code action} holding the cluster-wide lock of one node in one tailnet. */
  public <T> T withNodeLock(String tailnetId, String nodeId, Supplier<T> action) {
    String key = AllocationProjection.nodeKey(tailnetId, nodeId);
    nodes.lock(key, LOCK_LEASE.toSeconds(), TimeUnit.SECONDS);
    try {
      return action.get();
    } finally {
      try {
        nodes.unlock(key);
      } catch (IllegalMonitorStateException leaseExpired) {
        // the lease ran out first; the lock is already free
      }
    }
  }

  /** Claims {@code ipv4} in the tailnet for {@code nodeId}; false when another node holds it. */
  public boolean claim(String tailnetId, String ipv4, String nodeId) {
    String holder =
        addresses.putIfAbsent(
            AllocationProjection.addressKey(tailnetId, ipv4),
            nodeId,
            CLAIM_TTL.toSeconds(),
            TimeUnit.SECONDS);
    return holder == null || holder.equals(nodeId);
  }

  /** Gives up the claim on {@code ipv4} if {@code nodeId} holds it. */
  public void unclaim(String tailnetId, String ipv4, String nodeId) {
    addresses.remove(AllocationProjection.addressKey(tailnetId, ipv4), nodeId);
  }

  /**
   * The next candidate ordinal of the tailnet's cursor, from 0 upwards and wrapping at {@code
   * poolSize}; each call returns a different one while fewer than {@code poolSize} calls race.
   */
  public long nextCandidate(String tailnetId, long poolSize) {
    while (true) {
      Long current = cursors.get(tailnetId);
      if (current == null) {
        if (cursors.putIfAbsent(tailnetId, 1L % poolSize) == null) {
          return 0;
        }
        continue;
      }
      long candidate = Math.floorMod(current, poolSize);
      if (cursors.replace(tailnetId, current, (candidate + 1) % poolSize)) {
        return candidate;
      }
    }
  }
}
