package dev.trellis.relay.forward;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.HashMap;

/**
 * The frames waiting for one outgoing connection, queued per source and sent round-robin across
 * sources, so a flooding source cannot starve the others: each source may have at most {@code
 * perSourceLimit} frames waiting (beyond that {@link #offer} refuses and the caller counts a drop),
 * and when the connection can take more, every waiting source gets one frame in turn. While nothing
 * waits and the connection is writable, frames go straight through.
 *
 * <p>Thread-safety: thread-safe (one lock); senders on any event loop may offer concurrently.
 */
public final class OutboundQueue {
  /** Where frames go: a socket, or a fake in unit tests. */
  public interface Sink {
    /** Whether the connection can take another frame now. */
    boolean writable();

    /** Writes one frame. */
    void write(Buffer frame);
  }

  private final int perSourceLimit;
  private final Sink sink;
  // Guarded by this.
  private final HashMap<Object, ArrayDeque<Buffer>> queues = new HashMap<>();
  private final ArrayDeque<Object> order = new ArrayDeque<>();
  private boolean closed;

  public OutboundQueue(Sink sink, int perSourceLimit) {
    this.sink = sink;
    this.perSourceLimit = perSourceLimit;
  }

  /** Queues (or sends) {@code frame} from {@code source}; false if that source's queue is full. */
  public synchronized boolean offer(Object source, Buffer frame) {
    if (closed) {
      return false;
    }
    if (order.isEmpty() && sink.writable()) {
      sink.write(frame);
      return true;
    }
    ArrayDeque<Buffer> q = queues.get(source);
    if (q == null) {
      q = new ArrayDeque<>();
      queues.put(source, q);
      order.add(source);
    } else if (q.size() >= perSourceLimit) {
      return false;
    }
    q.add(frame);
    drainLocked();
    return true;
  }

  /** Sends waiting frames while the connection is writable (call when it drains). */
  public synchronized void drain() {
    drainLocked();
  }

  /** Frames waiting now. */
  public synchronized int waiting() {
    int n = 0;
    for (ArrayDeque<Buffer> q : queues.values()) {
      n += q.size();
    }
    return n;
  }

  /** Drops everything and refuses further frames. */
  public synchronized void close() {
    closed = true;
    queues.clear();
    order.clear();
  }

  private void drainLocked() {
    while (!order.isEmpty() && sink.writable()) {
      Object source = order.poll();
      ArrayDeque<Buffer> q = queues.get(source);
      sink.write(q.poll());
      if (q.isEmpty()) {
        queues.remove(source);
      } else {
        order.add(source);
      }
    }
  }
}
