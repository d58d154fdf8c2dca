package dev.trellis.keys.registry;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.keys.projection.NodeProjection;
import dev.trellis.keys.state.NodeStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The key registry's cross-instance decisions, made with built-in Hazelcast map operations only
 * (lock, putIfAbsent, remove-if-equal), so members of a shared cluster need no keys classes:
 *
 * <ul>
 *   <li>a cluster-wide lock per (tailnet, machine key) serialises registrations of one device;
 *   <li>a node key or a MagicDNS name is claimed with putIfAbsent before the event that takes it is
 *       appended; the projection's index is the lasting record and the claim only covers the time
 *       until the projection shows the event, so claims expire after {@link #CLAIM_TTL};
 *   <li>one-shot events decided by several instances (a key's expiry, a node's removal) are guarded
 *       by a putIfAbsent on a key naming the fact.
 * </ul>
 *
 * <p>Maps: {@code keys-claims.machines} (locks only), {@code keys-claims.node-keys}, {@code
 * keys-claims.names}, {@code keys-claims.once}.
 *
 * <p>Thread-safety: thread-safe; blocking (command and sweep threads only). A lock is owned by the
 * thread that took it.
 */
public final class NodeClaims {
  /** How long a claim lives without being released; far longer than an append and catch-up. */
  public static final Duration CLAIM_TTL = Duration.ofMinutes(10);

  /** How long a one-shot guard is remembered. */
  public static final Duration ONCE_TTL = Duration.ofHours(1);

  /** Longest a machine lock is held if its holder dies. */
  static final Duration LOCK_LEASE = Duration.ofSeconds(90);

  private final IMap<String, String> machines;
  private final IMap<String, String> nodeKeys;
  private final IMap<String, String> names;
  private final IMap<String, String> once;
  private final NodeStore store;

  public NodeClaims(HazelcastInstance hazelcast, NodeStore store) {
    this.machines = hazelcast.getMap("keys-claims.machines");
    this.nodeKeys = hazelcast.getMap("keys-claims.node-keys");
    this.names = hazelcast.getMap("keys-claims.names");
    this.once = hazelcast.getMap("keys-claims.once");
    this.store = store;
  }

  /** Runs {@code action} holding the cluster-wide lock of one machine in one tailnet. */
  public <T> T withMachineLock(String tailnetId, byte[] machineKey, Supplier<T> action) {
    String key = NodeProjection.machineIndexKey(tailnetId, machineKey);
    machines.lock(key, LOCK_LEASE.toSeconds(), TimeUnit.SECONDS);
    try {
      return action.get();
    } finally {
      try {
        machines.unlock(key);
      } catch (IllegalMonitorStateException leaseExpired) {
        // the lease ran out first; the lock is already free
      }
    }
  }

  /**
   * Claims {@code nodeKey} for {@code nodeId}; false when another node holds it or is taking it.
   */
  public boolean claimNodeKey(byte[] nodeKey, String nodeId) {
    var holder = store.idByNodeKey(nodeKey);
    if (holder.isPresent() && !holder.get().equals(nodeId)) {
      return false;
    }
    String claimed =
        nodeKeys.putIfAbsent(
            NodeProjection.hex(nodeKey), nodeId, CLAIM_TTL.toSeconds(), TimeUnit.SECONDS);
    return claimed == null || claimed.equals(nodeId);
  }

  /**
   * Whether a node other than {@code nodeId} ({@code null}: any node) holds or is taking {@code
   * nodeKey}; changes nothing.
   */
  public boolean nodeKeyTaken(byte[] nodeKey, String nodeId) {
    var holder = store.idByNodeKey(nodeKey);
    if (holder.isPresent() && !holder.get().equals(nodeId)) {
      return true;
    }
    String claimed = nodeKeys.get(NodeProjection.hex(nodeKey));
    return claimed != null && !claimed.equals(nodeId);
  }

  /** Gives up a claim on {@code nodeKey} if {@code nodeId} holds it. */
  public void releaseNodeKey(byte[] nodeKey, String nodeId) {
    nodeKeys.remove(NodeProjection.hex(nodeKey), nodeId);
  }

  /** Claims the name in the tailnet for {@code nodeId}; false when it is taken. */
  public boolean claimName(String tailnetId, String name, String nodeId) {
    var holder = store.idByName(tailnetId, name);
    if (holder.isPresent() && !holder.get().equals(nodeId)) {
      return false;
    }
    String claimed =
        names.putIfAbsent(
            NodeProjection.nameKey(tailnetId, name),
            nodeId,
            CLAIM_TTL.toSeconds(),
            TimeUnit.SECONDS);
    return claimed == null || claimed.equals(nodeId);
  }

  /** Gives up a claim on the name if {@code nodeId} holds it. */
  public void releaseName(String tailnetId, String name, String nodeId) {
    names.remove(NodeProjection.nameKey(tailnetId, name), nodeId);
  }

  /** True for the first caller that names {@code fact}; false for every later one. */
  public boolean once(String fact, String by) {
    return once.putIfAbsent(fact, by, ONCE_TTL.toSeconds(), TimeUnit.SECONDS) == null;
  }

  /** Forgets a guard (when the event it guarded could not be appended). */
  public void forget(String fact, String by) {
    once.remove(fact, by);
  }
}
