package dev.trellis.agent.paths;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.bind.Bind;
import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.bind.MemoryNetwork;
import dev.trellis.agent.time.TestClock;
import dev.trellis.proto.key.DiscoPrivateKey;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.net.IpLiteral;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two path layers on an in-memory network and an in-memory relay: traffic starts on the relay,
 * moves direct after a disco round trip (both sides, thanks to call-me-maybe), falls back to the
 * relay when the direct path goes silent, and stays on the relay when UDP is blocked.
 */
class PathsTest {
  private final TestClock clock = new TestClock();
  private final MemoryNetwork net = new MemoryNetwork();
  private final MemoryRelay relay = new MemoryRelay(1, "tst");
  private final Side a = new Side("10.0.0.1", 41001);
  private final Side b = new Side("10.0.0.2", 41002);
  private volatile boolean udpBlocked;

  private final class Side {
    final NodePublicKey key = NodePrivateKey.generate().publicKey();
    final DiscoPrivateKey disco = DiscoPrivateKey.generate();
    final Endpoint at;
    final Paths paths;
    final Bind bind;

    Side(String ip, int port) {
      at = new Endpoint(IpLiteral.parse(ip), port);
      paths = new Paths(disco, clock, relay.attach(key), PathTimings.defaults());
      try {
        bind = paths.opener(p -> net.open(at.address(), port)).open(port);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      paths.setOwnEndpoints(List.of(at));
    }

    PeerPathConfig asPeer() {
      return new PeerPathConfig(key, disco.publicKey(), List.of(at), 1);
    }

    Endpoint configure(Side other) {
      Map<NodePublicKey, Endpoint> v = paths.reconfigure(key, List.of(other.asPeer()));
      return v.get(other.key);
    }
  }

  @AfterEach
  void close() {
    a.paths.close();
    b.paths.close();
  }

  private static byte[] wg(int n) {
    byte[] p = new byte[64];
    p[0] = 4; // a WireGuard transport message type
    p[8] = (byte) n;
    return p;
  }

  private static void send(Side from, Endpoint to, byte[] packet) throws IOException {
    from.bind.send(new byte[][] {packet}, new int[] {packet.length}, 0, 1, to);
  }

  private static Endpoint receive(Side at, byte[] expected) throws IOException {
    byte[][] bufs = {new byte[2048]};
    int[] sizes = new int[1];
    Endpoint[] from = new Endpoint[1];
    int n = at.bind.receive(bufs, sizes, 0, from);
    assertEquals(1, n);
    assertArrayEquals(expected, java.util.Arrays.copyOf(bufs[0], sizes[0]));
    return from[0];
  }

  private static void await(String what, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  @Test
  void theFirstPacketGoesThroughTheRelayThenTrafficMovesDirectAfterAPong() throws Exception {
    Endpoint bAtA = a.configure(b);
    Endpoint aAtB = b.configure(a);
    assertTrue(Paths.isVirtual(bAtA));
    assertFalse(Paths.isVirtual(a.at));
    List<MemoryNetwork.Datagram> udp = new CopyOnWriteArrayList<>();
    net.setTap(udp::add);

    send(a, bAtA, wg(1));
    assertEquals(
        aAtB, receive(b, wg(1)), "relayed WireGuard is attributed to the virtual endpoint");
    assertTrue(relay.forwarded() >= 1);

    // the first send started discovery: a ping over UDP, a call-me-maybe through the relay, so B
    // pings A at once as well; both sides see a pong and go direct
    await("A direct", () -> "direct".equals(a.paths.status(b.key).kind()));
    await("B direct", () -> "direct".equals(b.paths.status(a.key).kind()));
    assertEquals(b.at, a.paths.status(b.key).direct());
    assertEquals("direct", a.paths.status(b.key).connection());

    long relayed = relay.forwarded();
    udp.clear();
    send(a, bAtA, wg(2));
    assertEquals(aAtB, receive(b, wg(2)), "direct WireGuard is attributed to the virtual endpoint");
    assertEquals(relayed, relay.forwarded(), "no longer relayed");
    // disco pings and pongs may still be in flight; the WireGuard packet is the one that matters
    List<MemoryNetwork.Datagram> wireGuard =
        udp.stream().filter(d -> d.data().length > 0 && d.data()[0] == 4).toList();
    assertEquals(1, wireGuard.size());
    assertEquals(b.at, wireGuard.get(0).to());
  }

  @Test
  void whenTheDirectPathGoesSilentTrafficFallsBackToTheRelay() throws Exception {
    List<String> changes = new CopyOnWriteArrayList<>();
    a.paths.onPathChange(
        (peer, route, now, was, why) ->
            changes.add(
                (peer.equals(b.key) ? "b" : "?")
                    + " "
                    + now.replace("direct " + b.at, "direct b")
                    + " was "
                    + was.replace("direct " + b.at, "direct b")
                    + (why.startsWith("pong in ") ? " pong" : " " + why)));
    Endpoint bAtA = a.configure(b);
    Endpoint aAtB = b.configure(a);
    net.setFilter(d -> !udpBlocked);
    send(a, bAtA, wg(1));
    receive(b, wg(1));
    await("A direct", () -> "direct".equals(a.paths.status(b.key).kind()));

    udpBlocked = true;
    for (int i = 0; i < 3; i++) { // heartbeats every 2 s go unanswered
      clock.advance(Duration.ofSeconds(2));
      a.paths.tick();
    }
    assertEquals("direct", a.paths.status(b.key).kind(), "6 s: still trusted");
    clock.advance(Duration.ofSeconds(1));
    a.paths.tick();
    assertEquals("relay", a.paths.status(b.key).kind());
    assertEquals("relay:tst", a.paths.status(b.key).connection());
    assertEquals(
        List.of("b direct b was relay pong", "b relay was direct b direct path silent"), changes);

    send(a, bAtA, wg(3));
    assertEquals(aAtB, receive(b, wg(3)));

    udpBlocked = false; // the path heals: the next discovery round finds it again
    clock.advance(Duration.ofSeconds(5));
    a.paths.tick();
    await("A direct again", () -> "direct".equals(a.paths.status(b.key).kind()));
    assertEquals("b direct b was relay pong", changes.get(2));
    assertEquals(3, changes.size(), changes.toString());
  }

  @Test
  void withUdpBlockedEverythingFlowsThroughTheRelay() throws Exception {
    net.setFilter(d -> false);
    Endpoint bAtA = a.configure(b);
    Endpoint aAtB = b.configure(a);
    for (int i = 0; i < 5; i++) {
      send(a, bAtA, wg(i));
      assertEquals(aAtB, receive(b, wg(i)));
      send(b, aAtB, wg(100 + i));
      assertEquals(bAtA, receive(a, wg(100 + i)));
      clock.advance(Duration.ofSeconds(3));
      a.paths.tick();
      b.paths.tick();
    }
    assertEquals("relay", a.paths.status(b.key).kind());
    assertEquals("relay", b.paths.status(a.key).kind());
  }

  @Test
  void relayedPacketsOfABurstGoOnTogetherAtItsEndInOrder() throws Exception {
    net.setFilter(d -> false);
    Endpoint bAtA = a.configure(b);
    Endpoint aAtB = b.configure(a);
    relay.holdBursts(true);
    int n = PathBind.RELAY_BATCH * 2 + 5; // two full batches go on by themselves, 5 wait
    for (int i = 0; i < n; i++) {
      send(a, bAtA, wg(i));
    }
    byte[][] bufs = new byte[16][2048];
    int[] sizes = new int[16];
    Endpoint[] from = new Endpoint[16];
    int got = 0;
    while (got < PathBind.RELAY_BATCH * 2) {
      int r = b.bind.receive(bufs, sizes, 0, from);
      for (int i = 0; i < r; i++) {
        assertArrayEquals(wg(got + i), java.util.Arrays.copyOf(bufs[i], sizes[i]), "in order");
        assertEquals(aAtB, from[i]);
      }
      got += r;
    }
    assertEquals(PathBind.RELAY_BATCH * 2, got, "only the full batches went on");
    var rest =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                byte[][] more = new byte[8][2048];
                int m = b.bind.receive(more, new int[8], 0, new Endpoint[8]);
                return m;
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    Thread.sleep(200);
    assertFalse(rest.isDone(), "the last 5 wait for the burst's end");
    relay.endBursts();
    assertEquals(5, rest.get(5, java.util.concurrent.TimeUnit.SECONDS));
    relay.holdBursts(false);
    send(a, bAtA, wg(7));
    assertEquals(aAtB, receive(b, wg(7)));
  }

  @Test
  void aPingIsAnsweredDirectOrThroughTheRelay() throws Exception {
    a.configure(b);
    b.configure(a);
    List<PingReply> replies = new CopyOnWriteArrayList<>();
    assertTrue(a.paths.ping(b.key, replies::add));
    await("two pongs", () -> replies.size() == 2);
    assertTrue(replies.stream().anyMatch(r -> b.at.equals(r.direct())));
    assertTrue(replies.stream().anyMatch(r -> r.direct() == null && r.via().equals("relay:tst")));
  }

  @Test
  void anIdlePeerIsShownIdleAndANetworkChangeRediscovers() throws Exception {
    a.configure(b);
    b.configure(a);
    PathStatus s = a.paths.status(b.key);
    assertNotNull(s);
    assertEquals("idle", s.connection());
    // B moves: a new endpoint in the netmap makes A ping it at the next tick while active
    Endpoint bAtA = a.configure(b);
    send(a, bAtA, wg(1));
    receive(b, wg(1));
    await("A direct", () -> "direct".equals(a.paths.status(b.key).kind()));
    Endpoint moved = new Endpoint(IpLiteral.parse("10.0.0.9"), 41009);
    List<MemoryNetwork.Datagram> udp = new CopyOnWriteArrayList<>();
    net.setTap(udp::add);
    a.paths.reconfigure(
        a.key, List.of(new PeerPathConfig(b.key, b.disco.publicKey(), List.of(moved), 1)));
    a.paths.tick();
    assertTrue(udp.stream().anyMatch(d -> d.to().equals(moved)), "the new endpoint was pinged");
  }

  @Test
  void lanBeatsPublicAndLowerLatencyWinsWithHysteresis() {
    Endpoint lan = new Endpoint(IpLiteral.parse("192.168.1.5"), 1);
    Endpoint pub = new Endpoint(IpLiteral.parse("203.0.113.5"), 1);
    Endpoint pub2 = new Endpoint(IpLiteral.parse("198.51.100.5"), 1);
    assertTrue(PeerPath.better(lan, 5_000_000, pub, 1_000_000));
    assertFalse(PeerPath.better(pub, 1_000_000, lan, 5_000_000));
    assertTrue(PeerPath.better(pub2, 1_000_000, pub, 5_000_000));
    assertFalse(PeerPath.better(pub2, 4_800_000, pub, 5_000_000));
  }

  @Test
  void anyDirectEndpointBeatsTheUdpRelayWhateverItsLatency() {
    Endpoint relay = new Endpoint(IpLiteral.parse("192.0.2.9"), 3479);
    Endpoint pub = new Endpoint(IpLiteral.parse("203.0.113.5"), 1);
    assertTrue(PeerPath.beats(pub, 90_000_000, relay, 1_000_000, relay));
    assertFalse(PeerPath.beats(relay, 1_000_000, pub, 90_000_000, relay));
    assertTrue(PeerPath.beats(pub, 1_000_000, new Endpoint(pub.address(), 2), 5_000_000, relay));
  }

  @Test
  void withoutADirectPathTrafficTakesTheUdpRelayThenDirectOnceItOpens() throws Exception {
    Endpoint relayAt = new Endpoint(IpLiteral.parse("10.9.9.9"), 0);
    relay.enableUdpRelay(net, relayAt.address());
    List<String> changes = new CopyOnWriteArrayList<>();
    a.paths.onPathChange((peer, route, now, was, why) -> changes.add(now + " was " + was));
    // the two devices cannot reach each other over UDP, but both reach the relay's address
    net.setFilter(
        d ->
            !((d.from().equals(a.at) && d.to().equals(b.at))
                || (d.from().equals(b.at) && d.to().equals(a.at))));
    Endpoint bAtA = a.configure(b);
    Endpoint aAtB = b.configure(a);
    send(a, bAtA, wg(1));
    assertEquals(aAtB, receive(b, wg(1)));
    send(b, aAtB, wg(2));
    assertEquals(bAtA, receive(a, wg(2)));
    for (int i = 0; i < 50 && !"udp-relay".equals(a.paths.status(b.key).kind()); i++) {
      clock.advance(Duration.ofSeconds(1));
      a.paths.tick();
      b.paths.tick();
      Thread.sleep(20);
    }
    PathStatus s = a.paths.status(b.key);
    assertEquals("udp-relay", s.kind(), "a is on the UDP relay: " + s);
    assertEquals("udp-relay:tst", s.connection());
    assertEquals(relayAt.address(), s.direct().address());
    await("B on the UDP relay", () -> "udp-relay".equals(b.paths.status(a.key).kind()));

    long before = relay.udpForwarded();
    long tls = relay.forwarded();
    send(a, bAtA, wg(3));
    assertEquals(aAtB, receive(b, wg(3)), "attributed to A's virtual endpoint");
    assertTrue(relay.udpForwarded() > before, "carried by the UDP relay");
    assertEquals(tls, relay.forwarded(), "not by the TLS relay");

    // the direct path opens: the next discovery round finds it and it beats the UDP relay
    net.setFilter(d -> true);
    for (int i = 0; i < 60 && !"direct".equals(a.paths.status(b.key).kind()); i++) {
      clock.advance(Duration.ofSeconds(1));
      a.paths.tick();
      b.paths.tick();
      Thread.sleep(20);
    }
    assertEquals("direct", a.paths.status(b.key).kind());
    assertEquals(b.at, a.paths.status(b.key).direct());
    // the daemon's log names each path for what it is
    String udp = "udp-relay:tst " + s.direct();
    assertEquals(
        List.of(udp + " was relay", "direct " + b.at + " was " + udp), changes, "path changes");
  }
}
