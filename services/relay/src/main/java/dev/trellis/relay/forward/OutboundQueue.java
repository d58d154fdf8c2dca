package dev.trellis.relay.forward;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.HashMap;

/**
 * The frames waiting for one outgoing connection, queued per source and written round-robin across
 * sources, so a flooding source cannot starve the others: each source may have at most {@code
 * perSourceLimit} frames waiting (beyond that {@link #offer} refuses and the caller counts a drop).
 * Frames are written in batches of up to {@value #BATCH_BYTES} bytes by one task on the
 * connection's event loop, so a busy connection costs one TLS record and one system call per batch
 * rather than per packet; the batch stops while the connection is not writable and resumes from
 * {@link #drain()}.
 *
 * <p>Thread-safety: thread-safe (one lock); senders on any event loop may offer concurrently.
 */
public final class OutboundQueue {
  /** The largest batch written at once. */
  public static final int BATCH_BYTES = 256 * 1024;

  /** Where frames go: a socket, or a fake in unit tests. */
  public interface Sink {
    /** Whether the connection can take more now. */
    boolean writable();

    /** Writes frames (one or more, concatenated). */
    void write(Buffer frames);

    /** Runs {@code task} on the connection's event loop. */
    void execute(Runnable task);
  }

  private final int perSourceLimit;
  private final Sink sink;
  // Guarded by this.
  private final HashMap<Object, ArrayDeque<Buffer>> queues = new HashMap<>();
  private final ArrayDeque<Object> order = new ArrayDeque<>();
  private boolean scheduled;
  private boolean closed;

  public OutboundQueue(Sink sink, int perSourceLimit) {
    this.sink = sink;
    this.perSourceLimit = perSourceLimit;
  }

  /** Queues {@code frame} from {@code source}; false if that source's queue is full or closed. */
  public boolean offer(Object source, Buffer frame) {
    synchronized (this) {
      if (closed) {
        return false;
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
      if (scheduled) {
        return true;
      }
      scheduled = true;
    }
    sink.execute(this::drain);
    return true;
  }

  /**
   * Writes waiting frames while the connection is writable (on its event loop; also its drain
   * handler). When it stops because the connection is full, the next drain resumes it.
   */
  public void drain() {
    while (true) {
      Buffer batch;
      synchronized (this) {
        if (closed || order.isEmpty()) {
          scheduled = false;
          return;
        }
        if (!sink.writable()) {
          return; // still scheduled: the connection's drain handler calls drain() again
        }
        batch = Buffer.buffer(Math.min(BATCH_BYTES, 16 * 1024));
        while (!order.isEmpty() && batch.length() < BATCH_BYTES) {
          Object source = order.poll();
          ArrayDeque<Buffer> q = queues.get(source);
          batch.appendBuffer(q.poll());
          if (q.isEmpty()) {
            queues.remove(source);
          } else {
            order.add(source);
          }
        }
      }
      sink.write(batch);
    }
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
}
