package dev.trellis.agent.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.tun.MemoryTun;
import dev.trellis.proto.key.PresharedKey;
import org.junit.jupiter.api.Test;

/** Two devices ping each other over the in-memory TUN and network. */
class DevicePingTest {
  static void ping(MemoryTun from, MemoryTun to, byte[] packet) throws Exception {
    from.inject(packet);
    byte[] got = to.poll(3000);
    assertNotNull(got, "packet did not arrive");
    assertArrayEquals(packet, got);
  }

  @Test
  void ipv4AndIpv6EchoBothWaysAfterHandshakeFromA() throws Exception {
    try (TwoDevices d = new TwoDevices()) {
      d.configure(null, null, true, false);
      ping(d.tunA, d.tunB, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 1, 56));
      ping(d.tunB, d.tunA, Packets.icmp4Echo("10.0.0.2", "10.0.0.1", 1, 56));
      ping(d.tunA, d.tunB, Packets.icmp6Echo("fd00::1", "fd00::2", 2, 100));
      ping(d.tunB, d.tunA, Packets.icmp6Echo("fd00::2", "fd00::1", 2, 1000));
      assertEquals(1, d.a.counters().handshakesCompleted());
      assertEquals(1, d.b.counters().handshakesCompleted());
      assertEquals(0, d.a.counters().totalDrops());
      assertEquals(0, d.b.counters().totalDrops());
      PeerStatus s = d.b.status().get(0);
      assertEquals(d.epA, s.endpoint(), "B learned A's endpoint from the handshake");
      assertNotNull(s.latestHandshake());
      assertTrue(s.rxBytes() > 0 && s.txBytes() > 0);
    }
  }

  @Test
  void handshakeFromEitherSide() throws Exception {
    try (TwoDevices d = new TwoDevices()) {
      d.configure(null, null, true, true);
      ping(d.tunB, d.tunA, Packets.icmp4Echo("10.0.0.2", "10.0.0.1", 1, 56));
      ping(d.tunA, d.tunB, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 1, 56));
      assertTrue(d.peerAOnB().current.initiator(), "B initiated");
    }
  }

  @Test
  void presharedKeyWorksAndAWrongOneFails() throws Exception {
    PresharedKey psk = PresharedKey.generate();
    try (TwoDevices d = new TwoDevices()) {
      d.configure(psk, PresharedKey.fromBytes(psk.toBytes()), true, true);
      ping(d.tunA, d.tunB, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 1, 56));
    }
    try (TwoDevices d = new TwoDevices()) {
      d.configure(psk, PresharedKey.generate(), true, false);
      d.tunA.inject(Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 1, 56));
      assertNull(d.tunB.poll(500));
      assertTrue(d.a.counters().drops(DropReason.BAD_HANDSHAKE) >= 1, "A rejects the response");
      assertEquals(0, d.a.counters().handshakesCompleted());
    }
  }

  @Test
  void unroutableAndOversizedPacketsAreCounted() throws Exception {
    try (TwoDevices d = new TwoDevices()) {
      d.configure(null, null, true, false);
      d.tunA.inject(Packets.icmp4Echo("10.0.0.1", "10.9.9.9", 1, 56));
      d.tunA.inject(Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 1, 5000));
      ping(d.tunA, d.tunB, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 2, 56));
      assertEquals(1, d.a.counters().drops(DropReason.NO_ROUTE));
      assertEquals(1, d.a.counters().drops(DropReason.OVERSIZED));
    }
  }
}
