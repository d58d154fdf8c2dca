package dev.trellis.relay.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    var q = new OutboundQueue(sink, 8);
    assertTrue(q.offer("a", Buffer.buffer("a1")));
    assertTrue(q.offer("b", Buffer.buffer("b1")));
    assertTrue(q.offer("a", Buffer.buffer("a2")));
    assertEquals(1, sink.loop.size(), "one drain task for the burst");
    sink.runLoop();
    assertEquals(List.of("a1b1a2"), sink.written);
    assertEquals(0, q.waiting());
    assertTrue(q.offer("a", Buffer.buffer("a3")));
    sink.runLoop();
    assertEquals(List.of("a1b1a2", "a3"), sink.written);
  }

  @Test
  void aFloodingSourceIsCappedAndOthersAreServedInTurn() {
    var sink = new FakeSink();
    sink.writable = false;
    var q = new OutboundQueue(sink, 3);
    for (int i = 0; i < 10; i++) {
      boolean accepted = q.offer("flood", Buffer.buffer("f" + i));
      assertEquals(i < 3, accepted, "only 3 flood frames wait");
    }
    assertTrue(q.offer("quiet", Buffer.buffer("q0")));
    assertTrue(q.offer("quiet", Buffer.buffer("q1")));
    sink.runLoop();
    assertEquals(List.of(), sink.written, "nothing while the connection is full");
    sink.writable = true;
    q.drain(); // the connection's drain handler
    assertEquals(List.of("f0q0f1q1f2"), sink.written);
  }

  @Test
  void batchesAreBounded() {
    var sink = new FakeSink();
    var q = new OutboundQueue(sink, 1000);
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
    var q = new OutboundQueue(new FakeSink(), 3);
    q.close();
    assertFalse(q.offer("a", Buffer.buffer("x")));
  }
}
