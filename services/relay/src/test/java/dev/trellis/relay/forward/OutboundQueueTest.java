package dev.trellis.relay.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fair queue's rules with a fake connection (pure logic; the real one runs in RelayFloodTest).
 */
class OutboundQueueTest {
  private static final class FakeSink implements OutboundQueue.Sink {
    boolean writable = true;
    final List<String> written = new ArrayList<>();

    @Override
    public boolean writable() {
      return writable;
    }

    @Override
    public void write(Buffer frame) {
      written.add(frame.toString());
    }
  }

  @Test
  void framesGoStraightThroughWhileTheConnectionIsWritable() {
    var sink = new FakeSink();
    var q = new OutboundQueue(sink, 2);
    assertTrue(q.offer("a", Buffer.buffer("a1")));
    assertEquals(List.of("a1"), sink.written);
    assertEquals(0, q.waiting());
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
    sink.writable = true;
    q.drain();
    assertEquals(List.of("f0", "q0", "f1", "q1", "f2"), sink.written);
  }

  @Test
  void aClosedQueueRefuses() {
    var q = new OutboundQueue(new FakeSink(), 3);
    q.close();
    assertFalse(q.offer("a", Buffer.buffer("x")));
  }
}
