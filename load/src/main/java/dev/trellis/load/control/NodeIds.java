package dev.trellis.load.control;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dense small integers for node ids, shared by every simulated device, so that a device's netmap is
 * a bit set rather than a set of strings (10,000 devices x 10,000 peers would not fit otherwise).
 *
 * <p>Thread-safety: thread-safe.
 */
final class NodeIds {
  private final ConcurrentHashMap<String, Integer> byId = new ConcurrentHashMap<>();
  private final AtomicInteger next = new AtomicInteger();

  /** How many indexes have been assigned (they are 0 .. size-1). */
  int size() {
    return next.get();
  }

  /** The index of {@code id}, assigned on first sight. */
  int index(String id) {
    Integer i = byId.get(id);
    return i != null ? i : byId.computeIfAbsent(id, k -> next.getAndIncrement());
  }
}
