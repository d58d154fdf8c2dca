package dev.trellis.relay.forward;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of frames one relay instance may hold in all its outbound queues together (device
 * connections and mesh links). Each queue also bounds what one source may have waiting in it; this
 * bounds the sum, so many senders each within their own limit cannot together exhaust the heap.
 *
 * <p>Thread-safety: thread-safe (one atomic counter).
 */
public final class QueueBudget {
  private final long limit;
  private final AtomicLong used = new AtomicLong();

  /** A budget of {@code limit} bytes (at least 1). */
  public QueueBudget(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("a queue budget needs at least one byte: " + limit);
    }
    this.limit = limit;
  }

  /** Takes {@code bytes} from the budget; false (and nothing taken) when that would exceed it. */
  boolean take(long bytes) {
    if (used.addAndGet(bytes) > limit) {
      used.addAndGet(-bytes);
      return false;
    }
    return true;
  }

  /** Gives back {@code bytes} taken earlier. */
  void give(long bytes) {
    used.addAndGet(-bytes);
  }

  /** Bytes held now. */
  public long used() {
    return used.get();
  }

  /** The most bytes that may be held. */
  public long limit() {
    return limit;
  }
}
