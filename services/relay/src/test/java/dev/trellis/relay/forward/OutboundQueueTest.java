package dev.trellis.relay.forward;

import static dev.trellis.relay.forward.OutboundQueue.FRAME_OVERHEAD;
import static dev.trellis.relay.forward.OutboundQueue.Offer.CLOSED;
import static dev.trellis.relay.forward.OutboundQueue.Offer.QUEUED;
import static dev.trellis.relay.forward.OutboundQueue.Offer.RELAY_FULL;
import static dev.trellis.relay.forward.OutboundQueue.Offer.SOURCE_FULL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fair queue's rules with a fake connection (pure logic; the real one runs in the flood test).
 */
class OutboundQueueTest {
  private static final class FakeSink implements OutboundQueue.Sink {
    boolean writable = true;
    final List<String> written = new ArrayList<>();
    final ArrayDeque<Runnable> loop = new ArrayDeque<>();

    @Override
    public boolean writable() {
      return writable;
    }

    @Override
    public void write(Buffer frames) {
      written.add(frames.toString());
    }

    @Override
    public void execute(Runnable task) {
      loop.add(task);
    }

    void runLoop() {
      while (!loop.isEmpty()) {
        loop.poll().run();
      }
    }
  }

  @Test
  void framesOfferedTogetherAreWrittenAsOneBatchByOneTask() {
    var sink = new FakeSink();
    var q = new OutboundQueue(sink, 1024, new QueueBudget(1 << 20));
    assertEquals(QUEUED, q.offer("a", Buffer.buffer("a1")));
    assertEquals(QUEUED, q.offer("b", Buffer.buffer("b1")));
    assertEquals(QUEUED, q.offer("a", Buffer.buffer("a2")));
    assertEquals(1, sink.loop.size(), "one drain task for the burst");
    sink.runLoop();
    assertEquals(List.of("a1b1a2"), sink.written);
    assertEquals(0, q.waiting());
    assertEquals(QUEUED, q.offer("a", Buffer.buffer("a3")));
    sink.runLoop();
    assertEquals(List.of("a1b1a2", "a3"), sink.written);
  }

  @Test
  void aFloodingSourceIsCappedAndOthersAreServedInTurn() {
    var sink = new FakeSink();
    sink.writable = false;
    var q = new OutboundQueue(sink, 3 * (2 + FRAME_OVERHEAD), new QueueBudget(1 << 20));
    for (int i = 0; i < 10; i++) {
      var offer = q.offer("flood", Buffer.buffer("f" + i));
      assertEquals(i < 3 ? QUEUED : SOURCE_FULL, offer, "only 3 frames of flood wait");
    }
    assertEquals(QUEUED, q.offer("quiet", Buffer.buffer("q0")));
    assertEquals(QUEUED, q.offer("quiet", Buffer.buffer("q1")));
    sink.runLoop();
    assertEquals(List.of(), sink.written, "nothing while the connection is full");
    sink.writable = true;
    q.drain(); // the connection's drain handler
    assertEquals(List.of("f0q0f1q1f2"), sink.written);
  }

  @Test
  void batchesAreBounded() {
    var sink = new FakeSink();
    var q = new OutboundQueue(sink, 1 << 20, new QueueBudget(16 << 20));
    byte[] big = new byte[20_000];
    int frames = 3 * OutboundQueue.BATCH_BYTES / big.length + 10;
    for (int i = 0; i < frames; i++) {
      q.offer("s" + (i % 10), Buffer.buffer(big));
    }
    sink.runLoop();
    assertTrue(sink.written.size() >= 3, "several batches: " + sink.written.size());
    for (String batch : sink.written) {
      assertTrue(batch.length() < OutboundQueue.BATCH_BYTES + big.length, "one batch's size");
    }
    assertEquals(0, q.waiting());
  }

  @Test
  void aClosedQueueRefuses() {
    var budget = new QueueBudget(1000);
    var q = new OutboundQueue(new FakeSink(), 1000, budget);
    assertEquals(QUEUED, q.offer("a", Buffer.buffer("xyz")));
    assertEquals(3 + FRAME_OVERHEAD, budget.used());
    q.close();
    assertEquals(0, budget.used(), "what a closed queue held goes back to the budget");
    assertEquals(CLOSED, q.offer("a", Buffer.buffer("x")));
    assertEquals("no_destination", CLOSED.dropReason());
  }

  @Test
  void allQueuesOfAnInstanceShareOneBudget() {
    int o = FRAME_OVERHEAD;
    var budget = new QueueBudget(10 + 3 * o);
    var toX = new FakeSink();
    var toY = new FakeSink();
    toX.writable = false;
    toY.writable = false;
    var x = new OutboundQueue(toX, 8 + 2 * o, budget);
    var y = new OutboundQueue(toY, 8 + 2 * o, budget);
    assertEquals(QUEUED, x.offer("a", Buffer.buffer("aaaa")));
    assertEquals(QUEUED, y.offer("b", Buffer.buffer("bbbb")));
    assertEquals(8 + 2 * o, budget.used());
    // each source is within its own limit, but the instance holds most of its budget
    assertEquals(RELAY_FULL, y.offer("c", Buffer.buffer("ccc")));
    assertEquals("relay_memory", RELAY_FULL.dropReason());
    assertEquals(QUEUED, y.offer("c", Buffer.buffer("cc")));
    assertEquals(10 + 3 * o, budget.used());
    toX.writable = true;
    x.drain();
    assertEquals(List.of("aaaa"), toX.written);
    assertEquals(6 + 2 * o, budget.used(), "written frames give their bytes back");
    assertEquals(QUEUED, y.offer("c", Buffer.buffer("ccc")));
  }

  @Test
  void aFrameLargerThanTheSourceLimitIsTakenWhenNothingOfItsSourceWaits() {
    var q = new OutboundQueue(new FakeSink(), 4, new QueueBudget(1000));
    assertEquals(QUEUED, q.offer("a", Buffer.buffer("0123456789")));
    assertEquals(SOURCE_FULL, q.offer("a", Buffer.buffer("x")));
  }
}
