package dev.trellis.agent.device;

import static dev.trellis.agent.device.DevicePingTest.ping;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.bind.MemoryNetwork;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Roaming, replays, garbage, floods and cookies. */
class DeviceRobustnessTest {
  private static MemoryNetwork.Datagram firstOfType(List<MemoryNetwork.Datagram> seen, int type)
      throws InterruptedException {
    for (int i = 0; i < 3000; i++) {
      for (MemoryNetwork.Datagram g : seen) {
        if (g.data()[0] == type && g.data().length > 32) {
          return g;
        }
      }
      Thread.sleep(1);
    }
    throw new AssertionError("no datagram of type " + type);
  }

  @Test
  void peerRoamsToTheSourceOfAuthenticatedPackets() throws Exception {
    try (TwoDevices d = new TwoDevices()) {
      d.configure(null, null, true, false);
      ping(d.tunA, d.tunB, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 1, 64));
      int newPort = d.a.listenPort() + 1;
      d.a.reconfigure(
          new DeviceConfig(d.keyA, newPort, d.a.status().stream().map(s -> cfg(d, s)).toList()));
      assertEquals(newPort, d.a.listenPort());
      assertTrue(d.peerBOnA().current != null, "session kept across reconfigure");
      ping(d.tunA, d.tunB, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 2, 64));
      Endpoint moved = new Endpoint(InetAddress.getByName("127.0.0.1"), newPort);
      assertEquals(moved, d.b.status().get(0).endpoint());
      ping(d.tunB, d.tunA, Packets.icmp4Echo("10.0.0.2", "10.0.0.1", 2, 64));
      assertEquals(1, d.a.counters().handshakesCompleted());
    }
  }

  private static PeerConfig cfg(TwoDevices d, PeerStatus s) {
    return new PeerConfig(s.publicKey(), null, s.allowedIps(), d.epB, Duration.ZERO);
  }

  @Test
  void replayedDataPacketIsDroppedAndCounted() throws Exception {
    try (TwoDevices d = new TwoDevices()) {
      List<MemoryNetwork.Datagram> seen = new CopyOnWriteArrayList<>();
      d.net.setTap(seen::add);
      d.configure(null, null, true, false);
      ping(d.tunA, d.tunB, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 1, 64));
      MemoryNetwork.Datagram data = firstOfType(seen, 4);
      d.net.deliver(data.from(), data.to(), data.data());
      assertNull(d.tunB.poll(300));
      assertEquals(1, d.b.counters().drops(DropReason.REPLAY));
    }
  }

  @Test
  void garbageTruncatedOversizedAndWrongKeyPacketsAreDroppedAndCounted() throws Exception {
    try (TwoDevices d = new TwoDevices()) {
      List<MemoryNetwork.Datagram> seen = new CopyOnWriteArrayList<>();
      d.net.setTap(seen::add);
      d.configure(null, null, true, false);
      ping(d.tunA, d.tunB, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 1, 64));
      byte[] good = firstOfType(seen, 4).data();
      Endpoint evil = new Endpoint(InetAddress.getByName("127.0.0.66"), 666);
      Random r = new Random(42);
      int garbage = 0;
      for (int i = 0; i < 200; i++) {
        byte[] g = new byte[r.nextInt(300)];
        r.nextBytes(g);
        if (g.length > 0) {
          g[0] = (byte) (5 + r.nextInt(250));
        }
        d.net.deliver(evil, d.epB, g);
        garbage++;
      }
      d.net.deliver(evil, d.epB, java.util.Arrays.copyOf(good, 20)); // truncated transport
      byte[] init = new byte[100];
      init[0] = 1;
      d.net.deliver(evil, d.epB, init); // truncated initiation
      byte[] bigUnknown = new byte[3000];
      bigUnknown[0] = 4;
      d.net.deliver(evil, d.epB, bigUnknown); // oversized, unknown index
      byte[] tampered = good.clone();
      tampered[40] ^= 1;
      tampered[8] = (byte) 0xff; // fresh counter so the replay window is not what drops it
      d.net.deliver(evil, d.epB, tampered);
      byte[] badMac = new byte[148];
      badMac[0] = 1;
      d.net.deliver(evil, d.epB, badMac);
      ping(d.tunA, d.tunB, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 2, 64));
      ping(d.tunB, d.tunA, Packets.icmp4Echo("10.0.0.2", "10.0.0.1", 2, 64));
      DeviceCounters c = d.b.counters();
      assertEquals(garbage + 2, c.drops(DropReason.BAD_PACKET), c.toString());
      assertEquals(1, c.drops(DropReason.UNKNOWN_INDEX), c.toString());
      assertEquals(1, c.drops(DropReason.WRONG_KEY), c.toString());
      assertEquals(1, c.drops(DropReason.BAD_MAC1), c.toString());
      assertEquals(d.epA, d.b.status().get(0).endpoint(), "no roaming on unauthenticated packets");
    }
  }

  @Test
  void underLoadTheResponderSendsACookieAndTheInitiatorCompletesWithMac2() throws Exception {
    try (TwoDevices d =
        new TwoDevices(
            DeviceOptions.defaults(), DeviceOptions.defaults().withHandshakeLoadThreshold(0))) {
      d.configure(null, null, true, false);
      d.tunA.inject(Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 1, 64));
      for (int i = 0; i < 2000 && d.b.counters().cookieRepliesSent() == 0; i++) {
        Thread.sleep(1);
      }
      assertEquals(1, d.b.counters().cookieRepliesSent());
      assertEquals(0, d.b.counters().handshakesCompleted());
      for (int i = 0; i < 2000 && !d.peerBOnA().cookies.hasCookie(d.clock.nanoTime()); i++) {
        Thread.sleep(1);
      }
      d.clock.advance(Duration.ofSeconds(6)); // the retransmit timer resends with MAC2
      byte[] got = d.tunB.poll(3000);
      assertTrue(got != null, "the staged packet arrived after the MAC2 handshake");
      assertEquals(1, d.b.counters().handshakesCompleted());
    }
  }

  /** Flood messages accounted for: answered with a cookie, or dropped for one reason or another. */
  private static long handled(DeviceCounters c) {
    return c.cookieRepliesSent()
        + c.drops(DropReason.HANDSHAKE_REPLAY)
        + c.drops(DropReason.RATE_LIMITED)
        + c.drops(DropReason.HANDSHAKE_QUEUE_FULL)
        + c.drops(DropReason.BAD_HANDSHAKE);
  }

  @Test
  void aFloodOfInitiationsTriggersCookieRepliesAndTheDeviceStillWorks() throws Exception {
    try (TwoDevices d = new TwoDevices()) {
      List<MemoryNetwork.Datagram> seen = new CopyOnWriteArrayList<>();
      d.net.setTap(seen::add);
      d.net.setFilter(g -> g.data()[0] != 1);
      d.configure(null, null, true, false);
      d.tunA.inject(Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 1, 64));
      byte[] init = firstOfType(seen, 1).data();
      d.net.setTap(g -> {});
      d.net.setFilter(g -> true);
      Endpoint flooder = new Endpoint(InetAddress.getByName("127.0.0.99"), 999);
      for (int i = 0; i < 3000; i++) {
        d.net.deliver(flooder, d.epB, init);
      }
      DeviceCounters c = d.b.counters();
      for (int i = 0; i < 10_000 && handled(c) < 2999; i++) {
        Thread.sleep(1);
        c = d.b.counters();
      }
      assertTrue(c.cookieRepliesSent() > 0, c.toString());
      d.clock.advance(Duration.ofSeconds(6));
      assertTrue(d.tunB.poll(3000) != null, "A's staged packet arrives once the flood is over");
    }
  }
}
