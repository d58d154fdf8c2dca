package dev.trellis.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.relay.FrameCodec;
import dev.trellis.proto.relay.RelayFrame;
import dev.trellis.proto.relay.UdpRelayBind;
import dev.trellis.relay.forward.RelayMetrics;
import dev.trellis.relay.udprelay.UdpRelay;
import dev.trellis.testkit.tag.IntegrationTest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The UDP relay against real sockets: a session only for mutual consent within one tailnet, binds
 * with a MAC and a growing counter, forwarding only between bound sides, and every refusal counted
 * (spoofed sources, replayed and forged binds, unauthorized pairs, the per-node bound, a revoked
 * node).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@IntegrationTest
class UdpRelayTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private RelayCluster cluster;

  @BeforeAll
  void start() throws Exception {
    cluster = new RelayCluster(1);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private RelayService relay() {
    return cluster.relay(0);
  }

  private RelayMetrics metrics() {
    return relay().metrics();
  }

  private RelayTestClient connect(NodePrivateKey key) throws Exception {
    RelayTestClient c = RelayTestClient.connect(relay().relayPort(), relay().pin(), key);
    assertTrue(c.accepted(), "the relay accepts an approved node");
    return c;
  }

  private static void request(RelayTestClient c, NodePublicKey peer) throws Exception {
    c.writeRaw(FrameCodec.encode(new RelayFrame.UdpRelayRequest(peer)));
  }

  /** The next UDP_RELAY_SESSION within {@code timeout}, skipping other frames; null if none. */
  private static RelayFrame.UdpRelaySession session(RelayTestClient c, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      RelayFrame f = c.next(Duration.ofMillis(50));
      if (f instanceof RelayFrame.UdpRelaySession s) {
        return s;
      }
    }
    return null;
  }

  private static DatagramChannel udp() throws Exception {
    DatagramChannel ch = DatagramChannel.open();
    ch.bind(new InetSocketAddress("127.0.0.1", 0));
    ch.configureBlocking(false);
    return ch;
  }

  private static InetSocketAddress at(RelayFrame.UdpRelaySession s) {
    return new InetSocketAddress("127.0.0.1", s.port());
  }

  private static void bind(DatagramChannel ch, RelayFrame.UdpRelaySession s, long counter)
      throws Exception {
    ch.send(
        ByteBuffer.wrap(UdpRelayBind.encode(s.side(), s.sessionId(), counter, s.secret())), at(s));
  }

  private static void send(DatagramChannel ch, RelayFrame.UdpRelaySession s, String text)
      throws Exception {
    ch.send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), at(s));
  }

  /** The next datagram's text within {@code timeout}, and its source; null if none. */
  private static String receive(DatagramChannel ch, Duration timeout, SocketAddress[] from)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    ByteBuffer buf = ByteBuffer.allocate(2048);
    while (System.nanoTime() < deadline) {
      SocketAddress src = ch.receive(buf);
      if (src != null) {
        if (from != null) {
          from[0] = src;
        }
        buf.flip();
        return StandardCharsets.UTF_8.decode(buf).toString();
      }
      Thread.sleep(5);
    }
    return null;
  }

  private static void awaitDrop(RelayMetrics m, String reason, long before) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (m.drops(reason) <= before && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(m.drops(reason) > before, "counted as " + reason);
  }

  /** A session between two fresh nodes of one tailnet, both sides bound, datagrams flowing. */
  private record Bound(
      NodePrivateKey a,
      NodePrivateKey b,
      RelayTestClient ca,
      RelayTestClient cb,
      RelayFrame.UdpRelaySession sa,
      RelayFrame.UdpRelaySession sb,
      DatagramChannel ua,
      DatagramChannel ub)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      ca.close();
      cb.close();
      ua.close();
      ub.close();
    }
  }

  private Bound bound() throws Exception {
    String tn = "tn-" + UUID.randomUUID();
    NodePrivateKey a = cluster.node(tn);
    NodePrivateKey b = cluster.node(tn);
    RelayTestClient ca = connect(a);
    RelayTestClient cb = connect(b);
    request(ca, b.publicKey());
    assertNull(session(ca, Duration.ofMillis(300)), "no session before the peer asks too");
    request(cb, a.publicKey());
    var sa = session(ca, WAIT);
    var sb = session(cb, WAIT);
    assertNotNull(sa, "a hears of the session once b asked too");
    assertNotNull(sb, "b hears of it");
    DatagramChannel ua = udp();
    DatagramChannel ub = udp();
    bind(ua, sa, 1);
    bind(ub, sb, 1);
    Bound x = new Bound(a, b, ca, cb, sa, sb, ua, ub);
    awaitFlow(x);
    return x;
  }

  /** Sends from a until b hears it (the binds may land after the first datagram). */
  private static void awaitFlow(Bound x) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      send(x.ua(), x.sa(), "ping");
      if ("ping".equals(receive(x.ub(), Duration.ofMillis(100), null))) {
        return;
      }
    }
    throw new AssertionError("no datagram through the session");
  }

  @Test
  void bothAskingMakesOneSessionThatForwardsBothWays() throws Exception {
    try (Bound x = bound()) {
      assertEquals(x.sa().port(), x.sb().port(), "one port per session, both sides");
      assertEquals(x.sa().sessionId(), x.sb().sessionId());
      assertNotEquals(x.sa().side(), x.sb().side());
      assertEquals(x.b().publicKey(), x.sa().peer());
      assertEquals(x.a().publicKey(), x.sb().peer());
      long before = metrics().packets("udp");
      send(x.ub(), x.sb(), "to a");
      SocketAddress[] from = new SocketAddress[1];
      assertEquals("to a", receive(x.ua(), WAIT, from));
      assertEquals(x.sa().port(), ((InetSocketAddress) from[0]).getPort(), "from the session port");
      assertTrue(metrics().packets("udp") > before, "counted as forwarded on path udp");

      request(x.ca(), x.b().publicKey());
      var again = session(x.ca(), WAIT);
      assertNotNull(again, "asking again tells the same session again");
      assertEquals(x.sa().sessionId(), again.sessionId());
      assertArrayEquals(x.sa().secret(), again.secret());
    }
  }

  @Test
  void aSpoofedSourceReplayedOrForgedBindIsDroppedAndCounted() throws Exception {
    try (Bound x = bound();
        DatagramChannel evil = udp()) {
      RelayMetrics m = metrics();
      long unbound = m.drops("udp_unbound_source");
      send(evil, x.sa(), "injected");
      awaitDrop(m, "udp_unbound_source", unbound);
      assertNull(receive(x.ub(), Duration.ofMillis(300), null), "nothing reaches b");

      long replayed = m.drops("udp_replayed_bind");
      bind(evil, x.sa(), 1); // a's first bind again, from elsewhere
      awaitDrop(m, "udp_replayed_bind", replayed);

      long forged = m.drops("udp_bad_bind_mac");
      byte[] wrong = x.sa().secret().clone();
      wrong[0] ^= 1;
      evil.send(
          ByteBuffer.wrap(UdpRelayBind.encode(x.sa().side(), x.sa().sessionId(), 99, wrong)),
          at(x.sa()));
      awaitDrop(m, "udp_bad_bind_mac", forged);

      long unknown = m.drops("udp_unknown_session");
      evil.send(
          ByteBuffer.wrap(
              UdpRelayBind.encode(x.sa().side(), x.sa().sessionId() + 1, 99, x.sa().secret())),
          at(x.sa()));
      awaitDrop(m, "udp_unknown_session", unknown);

      send(evil, x.sa(), "still not");
      assertNull(receive(x.ub(), Duration.ofMillis(300), null), "a's side did not move");
      send(x.ua(), x.sa(), "a still");
      assertEquals("a still", receive(x.ub(), WAIT, null), "a's binding holds");

      // a NAT rebinding: a bind with a higher counter from a new address moves the side there
      try (DatagramChannel moved = udp()) {
        bind(moved, x.sa(), 2);
        long deadline = System.nanoTime() + WAIT.toNanos();
        String got = null;
        while (got == null && System.nanoTime() < deadline) {
          send(moved, x.sa(), "moved");
          got = receive(x.ub(), Duration.ofMillis(100), null);
        }
        assertEquals("moved", got);
        send(x.ub(), x.sb(), "back");
        assertEquals(
            "back", receive(moved, WAIT, null), "b's datagrams follow a to its new address");
      }
    }
  }

  @Test
  void noSessionForAPairOfTwoTailnetsOrOneSidedRequests() throws Exception {
    NodePrivateKey a = cluster.node("tn-" + UUID.randomUUID());
    NodePrivateKey c = cluster.node("tn-" + UUID.randomUUID());
    NodePrivateKey d = cluster.node("tn-" + UUID.randomUUID());
    try (var ca = connect(a);
        var cc = connect(c);
        var cd = connect(d)) {
      request(ca, c.publicKey());
      request(cc, a.publicKey());
      request(cd, a.publicKey());
      assertNull(session(ca, Duration.ofMillis(700)), "no session across tailnets");
      assertNull(session(cc, Duration.ofMillis(100)));
      assertNull(session(cd, Duration.ofMillis(100)), "one-sided: nothing");
    }
  }

  @Test
  void sessionsPerNodeAreBounded() throws Exception {
    String tn = "tn-" + UUID.randomUUID();
    NodePrivateKey a = cluster.node(tn);
    List<RelayTestClient> peers = new ArrayList<>();
    try (var ca = connect(a)) {
      long limited = metrics().refusals("udp_allocation_limit");
      for (int i = 0; i <= UdpRelay.PER_NODE; i++) {
        NodePrivateKey p = cluster.node(tn);
        RelayTestClient cp = connect(p);
        peers.add(cp);
        request(ca, p.publicKey());
        request(cp, a.publicKey());
        var s = session(cp, i < UdpRelay.PER_NODE ? WAIT : Duration.ofMillis(700));
        if (i < UdpRelay.PER_NODE) {
          assertNotNull(s, "session " + i + " is within the bound");
        } else {
          assertNull(s, "one more than the bound is refused");
        }
      }
      assertEquals(limited + 1, metrics().refusals("udp_allocation_limit"));
    } finally {
      for (RelayTestClient c : peers) {
        c.close();
      }
    }
  }

  @Test
  void aRevokedNodeLosesItsSessions() throws Exception {
    try (Bound x = bound()) {
      List<Integer> ports = relay().udpRelay().sessionPorts();
      assertTrue(ports.contains(x.sa().port()));
      cluster.removeNode(x.b());
      assertNotNull(x.cb().awaitClosed(WAIT), "the revoked node's connection closes");
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (relay().udpRelay().sessionPorts().contains(x.sa().port())
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(
          !relay().udpRelay().sessionPorts().contains(x.sa().port()),
          "its session is gone with it");
      send(x.ua(), x.sa(), "after");
      assertNull(receive(x.ub(), Duration.ofMillis(500), null), "nothing flows any more");
    }
  }
}
