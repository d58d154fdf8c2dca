package dev.trellis.agent.netmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.Keepalive;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PeersAdded;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Listeners get each applied snapshot whose content changed, in order, and the empty one when the
 * tunnel stops; a failing listener is logged and does not keep the others from their snapshot.
 */
class NetmapListenersTest {
  private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  private final NetmapListeners listeners =
      new NetmapListeners(new PrintStream(logged, true, StandardCharsets.UTF_8));

  private static Netmap full(long version, String... peers) {
    FullNetmap.Builder f = FullNetmap.newBuilder().setSelf(Node.newBuilder().setId("self"));
    for (String p : peers) {
      f.addPeers(Node.newBuilder().setId(p));
    }
    return Netmap.EMPTY.apply(
        MapResponse.newBuilder().setFull(f).setNetmapVersion(version).build());
  }

  private static List<String> peerIds(List<Netmap> seen) {
    List<String> out = new ArrayList<>();
    for (Netmap m : seen) {
      out.add(m.hasSelf() ? String.join(",", m.peers().keySet()) : "<empty>");
    }
    return out;
  }

  @Test
  void changesArriveOnceEachAndInOrder() {
    List<Netmap> seen = new ArrayList<>();
    listeners.add(seen::add);
    Netmap one = full(1, "a");
    listeners.publish(one);
    listeners.publish(
        one.apply(MapResponse.newBuilder().setKeepalive(Keepalive.getDefaultInstance()).build()));
    listeners.publish(one); // the periodic re-apply of an unchanged netmap
    Netmap two =
        one.apply(
            MapResponse.newBuilder()
                .setPeersAdded(PeersAdded.newBuilder().addPeers(Node.newBuilder().setId("b")))
                .setNetmapVersion(2)
                .build());
    listeners.publish(two);
    listeners.publish(Netmap.EMPTY);
    listeners.publish(Netmap.EMPTY);
    assertEquals(List.of("a", "a,b", "<empty>"), peerIds(seen));
    assertEquals(2, seen.get(1).version());
  }

  @Test
  void aFailingListenerIsLoggedAndTheOthersStillHear() {
    List<Netmap> seen = new ArrayList<>();
    listeners.add(
        m -> {
          throw new IllegalStateException("resolver\nbroke");
        });
    listeners.add(seen::add);
    listeners.publish(full(1, "a"));
    assertEquals(List.of("a"), peerIds(seen));
    String log = logged.toString(StandardCharsets.UTF_8);
    assertEquals("trellisd: a netmap listener failed: resolver?broke\n", log, "one line, escaped");
  }

  @Test
  void aLateListenerStartsFromTheCurrentSnapshot() {
    List<Netmap> early = new ArrayList<>();
    listeners.add(early::add);
    assertTrue(early.isEmpty(), "nothing before the first netmap");
    listeners.publish(full(3, "a", "b"));
    List<Netmap> late = new ArrayList<>();
    listeners.add(late::add);
    assertEquals(List.of("a,b"), peerIds(late));
    listeners.publish(Netmap.EMPTY);
    List<Netmap> afterStop = new ArrayList<>();
    listeners.add(afterStop::add);
    assertTrue(afterStop.isEmpty(), "a stopped tunnel has nothing to hand over");
  }

  @Test
  void publishersOnSeveralThreadsNeverOverlapInAListener() throws Exception {
    int threads = 4;
    int rounds = 200;
    int[] inside = {0};
    int[] overlaps = {0};
    List<Long> versions = new ArrayList<>();
    listeners.add(
        m -> {
          if (++inside[0] != 1) {
            overlaps[0]++;
          }
          versions.add(m.version());
          Thread.onSpinWait();
          inside[0]--;
        });
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * rounds;
      started.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      go.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    for (int i = 1; i <= rounds; i++) {
                      listeners.publish(full(base + i, "p" + (base + i)));
                    }
                  }));
    }
    go.countDown();
    for (Thread t : started) {
      t.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertEquals(0, overlaps[0]);
    assertEquals(threads * rounds, versions.size(), "every distinct snapshot arrives once");
  }
}
