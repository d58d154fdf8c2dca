package dev.trellis.relay.forward;

import dev.trellis.proto.key.NodePublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who waits for which absent node key: a device that sent to a key connected nowhere heard
 * PEER_GONE and is remembered here, so that it hears PEER_PRESENT when the key connects (to this
 * instance or, seen through the presence replica, to another). Bounded: at most {@value #MAX_KEYS}
 * keys, {@value #MAX_WAITERS} waiters per key, each remembered for a minute.
 *
 * <p>Thread-safety: thread-safe (a concurrent map of immutable lists, replaced per change).
 */
final class Arrivals {
  static final int MAX_KEYS = 16_384;
  static final int MAX_WAITERS = 16;
  static final long REMEMBER_NANOS = 60_000_000_000L;

  private record Waiter(ConnectedDevice client, long since) {}

  private final ConcurrentHashMap<NodePublicKey, List<Waiter>> waiting = new ConcurrentHashMap<>();

  /** {@code client} sent to {@code key}, which is connected nowhere; false if not remembered. */
  boolean await(ConnectedDevice client, NodePublicKey key, long now) {
    if (waiting.size() >= MAX_KEYS && !waiting.containsKey(key)) {
      return false;
    }
    waiting.compute(
        key,
        (k, list) -> {
          List<Waiter> next = new ArrayList<>();
          if (list != null) {
            for (Waiter w : list) {
              if (w.client() != client && now - w.since() < REMEMBER_NANOS) {
                next.add(w);
              }
            }
          }
          if (next.size() >= MAX_WAITERS) {
            next.remove(0);
          }
          next.add(new Waiter(client, now));
          return List.copyOf(next);
        });
    return true;
  }

  /**
   * {@code key} of {@code tailnetId} connected: forgets its waiters and returns those of the same
   * tailnet that waited less than a minute (a device never learns of keys of another tailnet).
   */
  List<ConnectedDevice> arrived(NodePublicKey key, String tailnetId, long now) {
    List<Waiter> list = waiting.remove(key);
    if (list == null) {
      return List.of();
    }
    List<ConnectedDevice> out = new ArrayList<>();
    for (Waiter w : list) {
      if (now - w.since() < REMEMBER_NANOS && w.client().tailnetId().equals(tailnetId)) {
        out.add(w.client());
      }
    }
    return out;
  }

  /** The keys waited for now. */
  Set<NodePublicKey> keys() {
    return waiting.keySet();
  }

  /** Drops waiters older than a minute. */
  void expire(long now) {
    for (NodePublicKey k : waiting.keySet()) {
      waiting.computeIfPresent(
          k,
          (key, list) -> {
            List<Waiter> keep =
                list.stream().filter(w -> now - w.since() < REMEMBER_NANOS).toList();
            return keep.isEmpty() ? null : keep;
          });
    }
  }
}
