package dev.trellis.relay.forward;

import dev.trellis.proto.relay.Frames;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.HashMap;

/**
 * The frames waiting for one outgoing connection, queued per source and written round-robin across
 * sources, so a flooding source cannot starve the others. Each source may have at most {@code
 * perSourceBytes} waiting, and every queue of the instance draws on one {@link QueueBudget}; beyond
 * either {@link #offer} refuses and the caller counts a drop. Frames are written in batches of up
 * to {@value #BATCH_BYTES} bytes by one task on the connection's event loop, so a busy connection
 * costs one write and one system call per batch rather than per packet; the batch stops while the
 * connection is not writable and resumes from {@link #drain()}.
 *
 * <p>Thread-safety: thread-safe (one lock); senders on any event loop may offer concurrently.
 */
public final class OutboundQueue {
  /** The largest batch written at once. */
  public static final int BATCH_BYTES = 256 * 1024;

  /**
   * What a queued frame costs beyond its bytes (its buffer objects and array header), counted with
   * them so a flood of tiny frames is bounded by the memory it really takes.
   */
  public static final int FRAME_OVERHEAD = 128;

  /** What became of an offered frame. */
  public enum Offer {
    QUEUED(""),
    /** The source already has its limit waiting for this connection. */
    SOURCE_FULL("queue_full"),
    /** The instance's queues together hold their whole budget. */
    RELAY_FULL("relay_memory"),
    /** The connection is closing. */
    CLOSED("no_destination");

    private final String dropReason;

    Offer(String dropReason) {
      this.dropReason = dropReason;
    }

    /** The drop reason counted for a frame refused this way. */
    public String dropReason() {
      return dropReason;
    }
  }

  /** Where frames go: a socket, or a fake in unit tests. */
  public interface Sink {
    /** Whether the connection can take more now. */
    boolean writable();

    /** Writes frames (one or more, concatenated). */
    void write(Buffer frames);

    /** Runs {@code task} on the connection's event loop. */
    void execute(Runnable task);
  }

  /** One source's waiting frames and their size. */
  private static final class Waiting {
    final Object source;
    final ArrayDeque<Buffer> frames = new ArrayDeque<>();
    long bytes;

    Waiting(Object source) {
      this.source = source;
    }
  }

  /** The largest batch: one more frame may start below {@link #BATCH_BYTES}. */
  private static final int MAX_BATCH = BATCH_BYTES + Frames.HEADER_BYTES + Frames.MAX_PAYLOAD_BYTES;

  private final long perSourceBytes;
  private final QueueBudget budget;
  private final Sink sink;
  // Guarded by this.
  private final HashMap<Object, Waiting> queues = new HashMap<>();
  private final ArrayDeque<Waiting> order = new ArrayDeque<>(); // sources with frames, in turn
  private long held; // bytes taken from the budget by frames waiting here
  private boolean scheduled;
  private boolean closed;

  /**
   * @param sink the connection
   * @param perSourceBytes the most bytes one source may have waiting, each frame counted with
   *     {@link #FRAME_OVERHEAD} (a larger single frame is still taken when the source has nothing
   *     waiting)
   * @param budget the instance's budget shared by all its queues
   */
  public OutboundQueue(Sink sink, long perSourceBytes, QueueBudget budget) {
    this.sink = sink;
    this.perSourceBytes = perSourceBytes;
    this.budget = budget;
  }

  /**
   * Queues {@code frame} from {@code source}, or says why not. The frame must own its bytes (not be
   * a view of a larger buffer), since it is counted by its length.
   */
  public Offer offer(Object source, Buffer frame) {
    int size = frame.length() + FRAME_OVERHEAD;
    synchronized (this) {
      if (closed) {
        return Offer.CLOSED;
      }
      Waiting q = queues.get(source);
      if (q != null && q.bytes + size > perSourceBytes) {
        return Offer.SOURCE_FULL;
      }
      if (!budget.take(size)) {
        return Offer.RELAY_FULL;
      }
      held += size;
      if (q == null) {
        q = new Waiting(source);
        queues.put(source, q);
        order.add(q);
      }
      q.frames.add(frame);
      q.bytes += size;
      if (scheduled) {
        return Offer.QUEUED;
      }
      scheduled = true;
    }
    sink.execute(this::drain);
    return Offer.QUEUED;
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
        // sized once: what waits here (counted with overheads, so never less) up to one batch
        batch = Buffer.buffer((int) Math.min(held, MAX_BATCH));
        long taken = 0;
        while (!order.isEmpty() && batch.length() < BATCH_BYTES) {
          Waiting q = order.poll();
          Buffer frame = q.frames.poll();
          int cost = frame.length() + FRAME_OVERHEAD;
          q.bytes -= cost;
          taken += cost;
          batch.appendBuffer(frame);
          if (q.frames.isEmpty()) {
            queues.remove(q.source);
          } else {
            order.add(q);
          }
        }
        held -= taken;
        budget.give(taken);
      }
      sink.write(batch);
    }
  }

  /** Frames waiting now. */
  public synchronized int waiting() {
    int n = 0;
    for (Waiting q : queues.values()) {
      n += q.frames.size();
    }
    return n;
  }

  /** Drops everything (giving its bytes back to the budget) and refuses further frames. */
  public synchronized void close() {
    closed = true;
    queues.clear();
    order.clear();
    budget.give(held);
    held = 0;
  }
}
