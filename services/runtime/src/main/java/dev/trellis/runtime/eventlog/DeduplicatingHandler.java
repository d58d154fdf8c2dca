package dev.trellis.runtime.eventlog;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Wraps an {@link EventHandler} so that an event whose id was handled recently is not handled
 * again: a small bounded dedupe for plain subscribers, remembering the last {@code capacity}
 * handled event ids in memory (lost on restart; for durable idempotency keep ids with the state).
 *
 * <p>Thread-safe (the id set is guarded by this object's monitor; the delegate is called outside
 * it).
 */
public final class DeduplicatingHandler implements EventHandler {
  private final EventHandler delegate;
  private final int capacity;
  private final Map<String, Boolean> recent; // guarded by this

  public DeduplicatingHandler(EventHandler delegate, int capacity) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.recent =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > DeduplicatingHandler.this.capacity;
          }
        };
  }

  @Override
  public Future<Void> handle(LoggedEvent event) {
    String id = event.eventId();
    synchronized (this) {
      if (recent.containsKey(id)) {
        recent.get(id); // refresh recency
        return Future.succeededFuture();
      }
    }
    return delegate
        .handle(event)
        .onSuccess(
            v -> {
              synchronized (this) {
                recent.put(id, Boolean.TRUE);
              }
            });
  }

  @Override
  public Future<Void> skipped(String topic, int partition, long offset, String reason) {
    return delegate.skipped(topic, partition, offset, reason);
  }
}
