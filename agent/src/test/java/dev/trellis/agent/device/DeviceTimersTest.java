package dev.trellis.agent.device;

import static dev.trellis.agent.device.DevicePingTest.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.bind.MemoryNetwork;
import dev.trellis.agent.wireguard.Keypair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Protocol timers driven by a test clock: rekey, reject, key zeroing, hours of traffic. */
class DeviceTimersTest {
  /**
   * Sends {@code packet} and waits for it, letting protocol time pass while waiting (as a real
   * clock would) so that handshake retransmits can run; fails after 30 simulated seconds.
   */
  static void pingInTime(TwoDevices d, boolean fromA, byte[] packet) throws Exception {
    (fromA ? d.tunA : d.tunB).inject(packet);
    for (int i = 0; i < 300; i++) {
      byte[] got = (fromA ? d.tunB : d.tunA).poll(i == 0 ? 500 : 5);
      if (got != null) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(packet, got);
        return;
      }
      d.clock.advance(Duration.ofMillis(100)); // fine steps, so retransmit jitter matters
    }
    throw new AssertionError("packet lost; A=" + d.a.counters() + " B=" + d.b.counters());
  }

  static void advance(TwoDevices d, int seconds) throws InterruptedException {
    for (int i = 0; i < seconds; i++) {
      d.clock.advance(Duration.ofSeconds(1));
      Thread.sleep(1);
    }
  }

  @Test
  void rekeysAfterRekeyAfterTimeWhileTrafficFlowsWithoutLoss() throws Exception {
    try (TwoDevices d = new TwoDevices()) {
      d.configure(null, null, true, false);
      for (int t = 0; t < 400; t++) {
        pingInTime(d, true, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", t, 64));
        pingInTime(d, false, Packets.icmp4Echo("10.0.0.2", "10.0.0.1", t, 64));
        advance(d, 1);
      }
      long done = d.a.counters().handshakesCompleted();
      assertTrue(done >= 3 && done <= 5, "rekeyed about every 120 s: " + done);
      assertEquals(0, d.a.counters().totalDrops(), d.a.counters().toString());
      assertEquals(0, d.b.counters().totalDrops(), d.b.counters().toString());
    }
  }

  private static List<MemoryNetwork.Datagram> partitionAndTap(TwoDevices d) {
    List<MemoryNetwork.Datagram> seen = new CopyOnWriteArrayList<>();
    d.net.setTap(seen::add);
    d.net.setFilter(x -> false);
    return seen;
  }

  @Test
  void sessionsAreNotUsedAfterRejectAfterTime() throws Exception {
    try (TwoDevices d = new TwoDevices()) {
      d.configure(null, null, true, false);
      ping(d.tunA, d.tunB, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 1, 64));
      List<MemoryNetwork.Datagram> seen = partitionAndTap(d);
      d.tunA.inject(Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 2, 64));
      while (seen.isEmpty()) {
        Thread.sleep(1);
      }
      MemoryNetwork.Datagram captured = seen.get(0);
      assertEquals(4, captured.data()[0]);
      advance(d, 181);
      seen.clear();
      d.net.setFilter(x -> true);
      d.net.setTap(x -> {});
      d.net.deliver(captured.from(), captured.to(), captured.data());
      Thread.sleep(200);
      assertNull(d.tunB.poll(100));
      assertEquals(1, d.b.counters().drops(DropReason.KEY_EXPIRED));
      // A does not send on its expired session: it starts a new handshake instead.
      ping(d.tunA, d.tunB, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 3, 64));
      assertTrue(d.a.counters().handshakesCompleted() >= 2);
    }
  }

  @Test
  void keysAreZeroedAfterThreeTimesRejectAfterTime() throws Exception {
    try (TwoDevices d = new TwoDevices()) {
      d.configure(null, null, true, false);
      ping(d.tunA, d.tunB, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 1, 64));
      ping(d.tunB, d.tunA, Packets.icmp4Echo("10.0.0.2", "10.0.0.1", 1, 64));
      Keypair onA = d.peerBOnA().current;
      Keypair onB = d.peerAOnB().current;
      assertNotNull(onA);
      assertNotNull(onB);
      partitionAndTap(d);
      advance(d, 530);
      assertNotNull(d.peerAOnB().current, "not yet");
      advance(d, 15);
      for (Peer p : List.of(d.peerBOnA(), d.peerAOnB())) {
        assertNull(p.current);
        assertNull(p.previous);
        assertNull(p.next);
      }
      assertTrue(onA.destroyed() && onB.destroyed());
      assertEquals(0, d.a.core().indices.size() + d.b.core().indices.size(), "indices freed");
    }
  }

  private static boolean isInitiation(MemoryNetwork.Datagram x) {
    return x.data().length > 0 && x.data()[0] == 1;
  }

  @Test
  void aPathChangeResendsAnUnansweredInitiationAtOnce() throws Exception {
    try (TwoDevices d = new TwoDevices()) {
      d.configure(null, null, true, false);
      // The first initiation is lost (it went to a relay that cannot be reached).
      List<MemoryNetwork.Datagram> seen = partitionAndTap(d);
      byte[] packet = Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 1, 64);
      d.tunA.inject(packet);
      for (int i = 0; i < 5000 && seen.stream().noneMatch(DeviceTimersTest::isInitiation); i++) {
        Thread.sleep(1);
      }
      assertEquals(1, d.a.counters().handshakesInitiated());
      // A direct path is found a second later: the network works again.
      d.clock.advance(Duration.ofSeconds(1));
      d.net.setTap(x -> {});
      d.net.setFilter(x -> true);
      assertNull(d.tunB.poll(300), "without a path change the retransmission waits for 5 s");
      d.a.pathChanged(d.peerBOnA().remote.key());
      org.junit.jupiter.api.Assertions.assertArrayEquals(packet, d.tunB.poll(5000));
      assertEquals(2, d.a.counters().handshakesInitiated(), "resent once, before REKEY_TIMEOUT");
      // With the handshake done, another path change sends nothing.
      d.clock.advance(Duration.ofSeconds(1));
      d.a.pathChanged(d.peerBOnA().remote.key());
      Thread.sleep(200);
      assertEquals(2, d.a.counters().handshakesInitiated());
      assertEquals(1, d.a.counters().handshakesCompleted());
    }
  }

  /** The indices a peer should hold: one per live session, one for a pending initiation. */
  private static int liveIndices(Peer p) {
    int n = 0;
    for (Keypair k : new Keypair[] {p.current, p.previous, p.next}) {
      n += k != null && !k.destroyed() ? 1 : 0;
    }
    synchronized (p.timers) {
      return n + (p.hasHandshakeIndex ? 1 : 0);
    }
  }

  @Test
  void crossingInitiationsConverge() throws Exception {
    try (TwoDevices d = new TwoDevices()) {
      d.configure(null, null, true, true);
      // Both sides have traffic staged and send their initiations in the same clock instant; the
      // network holds them until both are out, then delivers them, so they cross in flight.
      List<MemoryNetwork.Datagram> seen = partitionAndTap(d);
      byte[] fromA = Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 1, 64);
      byte[] fromB = Packets.icmp4Echo("10.0.0.2", "10.0.0.1", 1, 64);
      d.tunA.inject(fromA);
      d.tunB.inject(fromB);
      MemoryNetwork.Datagram initA = null;
      MemoryNetwork.Datagram initB = null;
      for (int i = 0; i < 5000 && (initA == null || initB == null); i++) {
        for (MemoryNetwork.Datagram x : seen) {
          if (isInitiation(x) && x.from().equals(d.epA)) {
            initA = x;
          } else if (isInitiation(x) && x.from().equals(d.epB)) {
            initB = x;
          }
        }
        Thread.sleep(1);
      }
      assertNotNull(initA, "A initiated");
      assertNotNull(initB, "B initiated");
      assertTrue(
          d.peerBOnA().handshake.initiationPending() && d.peerAOnB().handshake.initiationPending());
      d.net.setTap(x -> {});
      d.net.setFilter(x -> true);
      d.net.deliver(initA.from(), initA.to(), initA.data());
      d.net.deliver(initB.from(), initB.to(), initB.data());

      // No clock step: the responses complete both initiations, so no retransmit is needed.
      org.junit.jupiter.api.Assertions.assertArrayEquals(fromA, d.tunB.poll(5000), "A to B");
      org.junit.jupiter.api.Assertions.assertArrayEquals(fromB, d.tunA.poll(5000), "B to A");
      Peer onA = d.peerBOnA();
      Peer onB = d.peerAOnB();
      boolean aPrevails = onA.handshake.initiationPrevails();
      assertTrue(aPrevails != onB.handshake.initiationPrevails(), "exactly one side prevails");
      assertEquals(0, d.a.counters().totalDrops(), d.a.counters().toString());
      assertEquals(0, d.b.counters().totalDrops(), d.b.counters().toString());
      // 1 or 2 each: a side may also confirm the other's crossed session before its own completes
      long doneA = d.a.counters().handshakesCompleted();
      long doneB = d.b.counters().handshakesCompleted();
      assertTrue(doneA >= 1 && doneA <= 2 && doneB >= 1 && doneB <= 2, doneA + " " + doneB);
      // Both settled on the pair of the prevailing initiation: its initiator's session is current
      // there, and the responder session, confirmed by the first packet, on the other side.
      assertEquals(aPrevails, onA.current.initiator());
      assertEquals(!aPrevails, onB.current.initiator());
      assertEquals(onA.current.remoteIndex(), onB.current.localIndex());
      assertEquals(onB.current.remoteIndex(), onA.current.localIndex());
      assertFalse(onA.handshake.initiationPending() || onB.handshake.initiationPending());
      assertEquals(liveIndices(onA), d.a.core().indices.size(), "A's indices");
      assertEquals(liveIndices(onB), d.b.core().indices.size(), "B's indices");

      // Traffic keeps flowing both ways, within a bounded number of clock steps.
      for (int t = 2; t < 40; t++) {
        pingInTime(d, true, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", t, 64));
        pingInTime(d, false, Packets.icmp4Echo("10.0.0.2", "10.0.0.1", t, 64));
        advance(d, 1);
      }
      assertEquals(0, d.a.counters().totalDrops() + d.b.counters().totalDrops());
      assertEquals(doneA, d.a.counters().handshakesCompleted(), "no further handshake was needed");
      assertEquals(doneB, d.b.counters().handshakesCompleted(), "no further handshake was needed");
      assertEquals(liveIndices(onA), d.a.core().indices.size(), "A's indices");
      assertEquals(liveIndices(onB), d.b.core().indices.size(), "B's indices");
    }
  }

  @Test
  void hoursOfSimulatedTimeWithPersistentKeepalive() throws Exception {
    try (TwoDevices d = new TwoDevices()) {
      d.configure(null, null, true, true, Duration.ofSeconds(25));
      long start = System.nanoTime();
      int hours = 3;
      for (int t = 0; t < hours * 3600; t += 2) {
        if (t % 60 == 0) {
          pingInTime(d, true, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", t, 64));
          pingInTime(d, false, Packets.icmp6Echo("fd00::2", "fd00::1", t, 64));
        }
        d.clock.advance(Duration.ofSeconds(2));
        Thread.sleep(4); // let the device threads keep up with protocol time on a busy machine
      }
      long realMs = (System.nanoTime() - start) / 1_000_000;
      DeviceCounters a = d.a.counters();
      System.out.println(
          hours + " h simulated in " + realMs + " ms; A: " + a + "; B: " + d.b.counters());
      assertTrue(a.keepalivesSent() > 100, "persistent keepalives flowed from A");
      assertTrue(d.b.counters().keepalivesSent() > 100, "persistent keepalives flowed from B");
      assertTrue(
          a.handshakesCompleted() + d.b.counters().handshakesCompleted() >= hours * 25,
          "sessions were renewed about every two minutes");
      assertFalse(d.tunA.pending() > 0 || d.tunB.pending() > 0, "no stray packets");
    }
  }
}
