package dev.trellis.agent.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.agent.time.TestClock;
import dev.trellis.proto.control.v1.DestinationPorts;
import dev.trellis.proto.control.v1.FilterRule;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PacketFilterConcurrencyTest {
  @Test
  void outboundInboundAndReconfigureFromManyThreadsLoseNoFlowAndNoCount() throws Exception {
    PacketFilter f = new PacketFilter(new TestClock(), PacketFilter.Options.DEFAULT);
    int threads = 4;
    int flows = 500;
    AtomicLong missed = new AtomicLong();
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = 10_000 + t * flows;
      workers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      start.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    for (int i = 0; i < flows; i++) {
                      byte[] out =
                          Packets.ip("100.64.0.1", "100.64.0.2", Packets.UDP, base + i, 53);
                      f.noteOutbound(out, 0, out.length);
                      byte[] reply =
                          Packets.ip("100.64.0.2", "100.64.0.1", Packets.UDP, 53, base + i);
                      if (!f.allowInbound(reply, 0, reply.length)) {
                        missed.incrementAndGet();
                      }
                    }
                  }));
    }
    Thread reconfigurer =
        Thread.ofPlatform()
            .start(
                () -> {
                  int n = 0;
                  while (!done.get()) {
                    f.reconfigure(
                        List.of(
                            FilterRule.newBuilder()
                                .addSrcPrefixes("100.64.0." + (n++ % 200) + "/32")
                                .addDestinations(DestinationPorts.newBuilder().setPrefix("*"))
                                .build()));
                  }
                });
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    done.set(true);
    reconfigurer.join();
    assertEquals(0, missed.get(), "every reply of a recorded flow is let in");
    FilterCounters c = f.counters();
    assertEquals(threads * flows, c.acceptedAsReturn());
    assertEquals(threads * flows, c.outboundNoted());
    assertEquals(0, c.flowEvictions(), "2,000 flows fit in a 4,096-flow table");
  }
}
