package dev.trellis.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.RelayInstanceStarted;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.relay.FrameCodec;
import dev.trellis.proto.relay.RelayFrame;
import dev.trellis.relay.config.RelayOptions;
import dev.trellis.relay.forward.RelayMetrics;
import dev.trellis.testkit.tag.IntegrationTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The relay against real TLS sockets, two instances on real Hazelcast and Kafka: forwarding within
 * an instance and through the mesh, and every refusal counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@IntegrationTest
class RelayClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private RelayCluster cluster;

  @BeforeAll
  void start() throws Exception {
    cluster = new RelayCluster(2);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private RelayTestClient connect(int instance, NodePrivateKey key) throws Exception {
    RelayService r = cluster.relay(instance);
    RelayTestClient c = RelayTestClient.connect(r.relayPort(), r.pin(), key);
    assertTrue(c.accepted(), "the relay accepts an approved node");
    return c;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void twoDevicesOfOneTailnetExchangePacketsAndPings() throws Exception {
    String tn = "tn-" + UUID.randomUUID();
    NodePrivateKey a = cluster.node(tn);
    NodePrivateKey b = cluster.node(tn);
    try (var ca = connect(0, a);
        var cb = connect(0, b)) {
      ca.send(b.publicKey(), bytes("hello b"));
      var p = cb.nextPacket(WAIT);
      assertNotNull(p, "b receives a's packet");
      assertEquals(a.publicKey(), p.source());
      assertArrayEquals(bytes("hello b"), p.packet());
      cb.send(a.publicKey(), bytes("hello a"));
      var q = ca.nextPacket(WAIT);
      assertEquals(b.publicKey(), q.source());
      assertArrayEquals(bytes("hello a"), q.packet());

      ca.writeRaw(FrameCodec.encode(new RelayFrame.Ping(bytes("12345678"))));
      RelayFrame f;
      do {
        f = ca.next(WAIT);
      } while (f instanceof RelayFrame.KeepAlive);
      assertArrayEquals(bytes("12345678"), assertInstanceOf(RelayFrame.Pong.class, f).data());
    }
  }

  @Test
  void packetsSplitAcrossWritesOrSharingOneArriveIntactAndInOrder() throws Exception {
    // the relay rewrites a SEND_PACKET into a RECV_PACKET in the bytes it read; a frame split
    // across reads is assembled first, several in one read are each rewritten where they lie
    String tn = "tn-" + UUID.randomUUID();
    NodePrivateKey a = cluster.node(tn);
    NodePrivateKey b = cluster.node(tn);
    NodePrivateKey c = cluster.node(tn);
    try (var ca = connect(0, a);
        var cb = connect(0, b);
        var cc = connect(0, c)) {
      java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < 40; i++) {
        byte[] packet = new byte[1 + i * 37];
        java.util.Arrays.fill(packet, (byte) i);
        NodePublicKey to = i % 3 == 0 ? c.publicKey() : b.publicKey();
        stream.writeBytes(FrameCodec.encode(new RelayFrame.SendPacket(to, packet)));
      }
      byte[] all = stream.toByteArray();
      for (int off = 0, step = 1; off < all.length; off += step, step = step * 3 % 1499 + 1) {
        ca.writeRaw(java.util.Arrays.copyOfRange(all, off, Math.min(all.length, off + step)));
      }
      for (int i = 0; i < 40; i++) {
        var p = (i % 3 == 0 ? cc : cb).nextPacket(WAIT);
        assertNotNull(p, "packet " + i);
        assertEquals(a.publicKey(), p.source());
        byte[] expected = new byte[1 + i * 37];
        java.util.Arrays.fill(expected, (byte) i);
        assertArrayEquals(expected, p.packet(), "packet " + i);
      }
    }
  }

  @Test
  void devicesOnTwoInstancesExchangePacketsThroughTheMesh() throws Exception {
    String tn = "tn-" + UUID.randomUUID();
    NodePrivateKey a = cluster.node(tn);
    NodePrivateKey b = cluster.node(tn);
    long meshBefore = cluster.relay(0).metrics().packets("mesh_out");
    try (var ca = connect(0, a);
        var cb = connect(1, b)) {
      RelayFrame.RecvPacket p = null;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (p == null && System.nanoTime() < deadline) {
        ca.send(b.publicKey(), bytes("across"));
        p = cb.nextPacket(Duration.ofMillis(200));
      }
      assertNotNull(p, "b on instance 1 receives a's packet from instance 0");
      assertEquals(a.publicKey(), p.source());
      assertArrayEquals(bytes("across"), p.packet());
      cb.send(a.publicKey(), bytes("back"));
      var q = ca.nextPacket(WAIT);
      assertNotNull(q, "and the answer comes back");
      assertArrayEquals(bytes("back"), q.packet());
      // The counters move beside delivery, not before it: give them a moment.
      assertTrue(eventually(() -> cluster.relay(0).metrics().packets("mesh_out") > meshBefore));
      assertTrue(eventually(() -> cluster.relay(0).metrics().packets("mesh_in") > 0));
    }
  }

  private static boolean eventually(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  @Test
  void framesBeforeTheProofAreRefused() throws Exception {
    RelayService r = cluster.relay(0);
    long before = r.metrics().refusals("unauthenticated");
    try (var c = RelayTestClient.open(r.relayPort(), r.pin())) {
      c.startReader();
      c.send(NodePrivateKey.generate().publicKey(), bytes("sneaky"));
      assertNotNull(c.awaitClosed(WAIT), "the relay closes the connection");
    }
    assertEquals(before + 1, r.metrics().refusals("unauthenticated"));
  }

  @Test
  void aWrongProofIsRefused() throws Exception {
    RelayService r = cluster.relay(0);
    NodePrivateKey victim = cluster.node("tn-" + UUID.randomUUID());
    long before = r.metrics().refusals("bad_proof");
    try (var c = RelayTestClient.open(r.relayPort(), r.pin())) {
      // Claims the victim's key with a proof made with another private key.
      NodePrivateKey attacker = NodePrivateKey.generate();
      byte[] proof =
          dev.trellis.proto.relay.NodeKeyProof.prove(
              attacker, c.serverHello().relayKey(), c.serverHello().challenge());
      c.writeRaw(
          FrameCodec.encode(new RelayFrame.ClientHello(victim.publicKey(), proof, 1, "spoof")));
      c.startReader();
      assertFalse(c.accepted());
      assertTrue(c.awaitClosed(WAIT).contains("proof"));
    }
    assertEquals(before + 1, r.metrics().refusals("bad_proof"));
  }

  @Test
  void unknownUnapprovedAndExpiredNodesAreRefused() throws Exception {
    RelayService r = cluster.relay(1);
    String tn = "tn-" + UUID.randomUUID();
    NodePrivateKey unknown = NodePrivateKey.generate();
    NodePrivateKey unapproved = cluster.node(tn, b -> b.setApproved(false));
    NodePrivateKey expired = cluster.node(tn, b -> b.setExpired(true));
    NodePrivateKey pastExpiry =
        cluster.node(
            tn,
            b ->
                b.setKeyExpiry(
                    com.google.protobuf.Timestamp.newBuilder()
                        .setSeconds(System.currentTimeMillis() / 1000 - 10)));
    NodePrivateKey revoked = cluster.node(tn, b -> b.setRevoked(true));
    for (var k : new NodePrivateKey[] {unknown, unapproved, expired, pastExpiry, revoked}) {
      try (var c = RelayTestClient.connect(r.relayPort(), r.pin(), k)) {
        assertFalse(c.accepted(), "refused: " + k.publicKey());
        assertNotNull(c.awaitClosed(WAIT));
      }
    }
    assertTrue(r.metrics().refusals("unknown_node") >= 1);
    assertTrue(r.metrics().refusals("not_approved") >= 1);
    assertTrue(r.metrics().refusals("expired") >= 2);
    assertTrue(r.metrics().refusals("revoked") >= 1);
  }

  @Test
  void aDeviceClaimingAnotherSourceIsRefused() throws Exception {
    String tn = "tn-" + UUID.randomUUID();
    NodePrivateKey a = cluster.node(tn);
    NodePrivateKey b = cluster.node(tn);
    RelayMetrics m = cluster.relay(0).metrics();
    long before = m.drops("spoofed_source");
    try (var ca = connect(0, a);
        var cb = connect(0, b)) {
      // a forges a frame that claims to come from b.
      ca.writeRaw(FrameCodec.encode(new RelayFrame.RecvPacket(b.publicKey(), bytes("forged"))));
      assertNotNull(ca.awaitClosed(WAIT));
      ca.writeRaw(new byte[0]);
      assertNull(cb.nextPacket(Duration.ofMillis(300)));
    }
    assertEquals(before + 1, m.drops("spoofed_source"));
  }

  @Test
  void packetsToAnotherTailnetAreRefusedLocallyAndThroughTheMesh() throws Exception {
    NodePrivateKey a = cluster.node("tn-" + UUID.randomUUID());
    NodePrivateKey other = cluster.node("tn-" + UUID.randomUUID());
    NodePrivateKey otherRemote = cluster.node("tn-" + UUID.randomUUID());
    RelayMetrics m = cluster.relay(0).metrics();
    long before = m.drops("foreign_tailnet");
    try (var ca = connect(0, a);
        var co = connect(0, other);
        var cr = connect(1, otherRemote)) {
      Thread.sleep(500); // presence of the remote key reaches instance 0
      ca.send(other.publicKey(), bytes("not for you"));
      ca.send(otherRemote.publicKey(), bytes("nor you"));
      assertNull(co.nextPacket(Duration.ofMillis(500)));
      assertNull(cr.nextPacket(Duration.ofMillis(500)));
      RelayFrame f = ca.next(WAIT);
      var gone = assertInstanceOf(RelayFrame.PeerGone.class, f);
      assertEquals(other.publicKey(), gone.peer());
    }
    assertEquals(before + 2, m.drops("foreign_tailnet"));
  }

  @Test
  void aDeviceToldAPeerIsGoneHearsWhenItConnectsHereOrThroughTheMesh() throws Exception {
    String tn = "tn-" + UUID.randomUUID();
    NodePrivateKey a = cluster.node(tn);
    NodePrivateKey here = cluster.node(tn);
    NodePrivateKey there = cluster.node(tn);
    NodePrivateKey foreign = cluster.node("tn-" + UUID.randomUUID());
    try (var ca = connect(0, a)) {
      java.util.Set<NodePublicKey> gone = new java.util.HashSet<>();
      for (NodePrivateKey k : java.util.List.of(here, there, foreign)) {
        ca.send(k.publicKey(), bytes("anyone there?"));
      }
      while (gone.size() < 3) {
        RelayFrame f = ca.next(WAIT);
        assertNotNull(f, "PEER_GONE for each absent key");
        if (f instanceof RelayFrame.PeerGone g) {
          gone.add(g.peer());
        }
      }
      try (var ch = connect(0, here);
          var ct = connect(1, there);
          var cf = connect(0, foreign)) {
        java.util.Set<NodePublicKey> present = new java.util.HashSet<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && present.size() < 2) {
          RelayFrame f = ca.next(Duration.ofMillis(200));
          if (f instanceof RelayFrame.PeerPresent p) {
            present.add(p.peer());
          }
        }
        assertEquals(java.util.Set.of(here.publicKey(), there.publicKey()), present);
        RelayFrame more = ca.next(Duration.ofMillis(1200));
        while (more instanceof RelayFrame.KeepAlive) {
          more = ca.next(Duration.ofMillis(1200));
        }
        assertNull(more, "nothing about the key of another tailnet");
      }
    }
    assertTrue(cluster.relay(0).metrics().controls("peer_present") >= 2);
  }

  @Test
  void anOversizeFrameClosesTheConnection() throws Exception {
    String tn = "tn-" + UUID.randomUUID();
    NodePrivateKey a = cluster.node(tn);
    RelayMetrics m = cluster.relay(0).metrics();
    long before = m.drops("oversize");
    try (var ca = connect(0, a)) {
      byte[] header = ByteBuffer.allocate(5).put((byte) 4).putInt(1 << 20).array();
      ca.writeRaw(header);
      assertNotNull(ca.awaitClosed(WAIT));
    }
    assertEquals(before + 1, m.drops("oversize"));
  }

  @Test
  void aRemovedOrExpiredNodeIsDisconnected() throws Exception {
    String tn = "tn-" + UUID.randomUUID();
    NodePrivateKey a = cluster.node(tn);
    NodePrivateKey b = cluster.node(tn);
    try (var ca = connect(0, a);
        var cb = connect(1, b)) {
      cluster.removeNode(a);
      assertNotNull(ca.awaitClosed(WAIT), "a removed node is disconnected");
      cluster.editNode(b, x -> x.setExpired(true));
      assertNotNull(cb.awaitClosed(WAIT), "an expired node is disconnected");
    }
    assertTrue(cluster.relay(0).metrics().refusals("revoked_while_connected") >= 1);
  }

  @Test
  void eachInstanceAnnouncedItselfWithItsPin() {
    var started =
        cluster.events(Topics.RELAY).stream()
            .filter(e -> e.getType().equals("trellis.event.v1.RelayInstanceStarted"))
            .map(
                e -> {
                  try {
                    return RelayInstanceStarted.parseFrom(e.getPayload());
                  } catch (Exception x) {
                    throw new AssertionError(x);
                  }
                })
            .toList();
    for (int i = 0; i < 2; i++) {
      RelayService r = cluster.relay(i);
      var mine = started.stream().filter(s -> s.getInstanceId().equals(r.instanceId())).findFirst();
      assertTrue(mine.isPresent(), "RelayInstanceStarted for " + r.instanceId());
      assertEquals(r.pin(), mine.get().getTlsSpkiSha256());
      assertEquals(64, r.pin().length());
      assertEquals(r.relayPort(), mine.get().getRelayPort());
      assertEquals(r.stunPort(), mine.get().getStunPort());
      assertEquals(1, mine.get().getRegionId());
    }
  }

  @Test
  void aFloodingDeviceDoesNotStarveAnotherSendingToTheSamePeer() throws Exception {
    String tn = "tn-" + UUID.randomUUID();
    NodePrivateKey d = cluster.node(tn);
    NodePrivateKey flooder = cluster.node(tn);
    NodePrivateKey victim = cluster.node(tn);
    RelayMetrics m = cluster.relay(0).metrics();
    long fullBefore = m.drops("queue_full");
    RelayService r = cluster.relay(0);
    try (var cd = RelayTestClient.connect(r.relayPort(), r.pin(), d, 16 * 1024);
        var cf = connect(0, flooder);
        var cv = connect(0, victim)) {
      assertTrue(cd.accepted());
      cd.hold = true; // d stops reading: everything toward it backs up in the relay
      var stopFlood = new java.util.concurrent.atomic.AtomicBoolean();
      Thread flood =
          Thread.ofPlatform()
              .start(
                  () -> {
                    byte[] junk = new byte[1200];
                    try {
                      while (!stopFlood.get()) {
                        cf.send(d.publicKey(), junk);
                      }
                    } catch (java.io.IOException e) {
                      // closed at the end
                    }
                  });
      // Flood until the relay's queue toward d is full (its drops start), however fast this is.
      long floodDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (m.drops("queue_full") == fullBefore && System.nanoTime() < floodDeadline) {
        Thread.sleep(20);
      }
      assertTrue(m.drops("queue_full") > fullBefore, "the flood was capped and counted");
      for (int i = 0; i < 100; i++) {
        cv.send(d.publicKey(), ("victim-" + i).getBytes(StandardCharsets.UTF_8));
        Thread.sleep(5);
      }
      Thread.sleep(300);
      stopFlood.set(true);
      flood.join(5000);
      cd.hold = false;
      java.util.Set<String> got = new java.util.HashSet<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (got.size() < 100 && System.nanoTime() < deadline) {
        var p = cd.nextPacket(Duration.ofMillis(500));
        if (p != null && p.source().equals(victim.publicKey())) {
          got.add(new String(p.packet(), StandardCharsets.UTF_8));
        }
      }
      assertEquals(100, got.size(), "every packet of the quiet sender arrives");
    }
  }

  @Test
  void tinyPacketsQueuedForADeviceThatDoesNotReadAreBoundedWithTheirOverhead() throws Exception {
    String tn = "tn-" + UUID.randomUUID();
    NodePrivateKey d = cluster.node(tn);
    NodePrivateKey flooder = cluster.node(tn);
    RelayService r = cluster.relay(0);
    RelayMetrics m = r.metrics();
    long fullBefore = m.drops("queue_full");
    long perSource = RelayOptions.forTests(1, "tst").queueLimits().perSourceBytes();
    try (var cd = RelayTestClient.connect(r.relayPort(), r.pin(), d, 16 * 1024);
        var cf = connect(0, flooder)) {
      assertTrue(cd.accepted());
      cd.hold = true;
      byte[] one = {1};
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (m.drops("queue_full") == fullBefore && System.nanoTime() < deadline) {
        for (int i = 0; i < 1000; i++) {
          cf.send(d.publicKey(), one);
        }
      }
      assertTrue(m.drops("queue_full") > fullBefore, "the flood was capped and counted");
      // one-byte packets are counted with what each waiting frame costs, so the source's limit
      // bounds the memory they hold rather than their payload
      // (1 KB of slack: the relay's own control frames to d queue beside the flood)
      assertTrue(
          r.queuedBytes() <= perSource + 1024,
          r.queuedBytes() + " bytes queued, limit " + perSource);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (r.queuedBytes() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, r.queuedBytes(), "a closed connection's queue gives its bytes back");
  }

  @Test
  void anInstanceThatDiesIsReportedStoppedByASurvivor() throws Exception {
    var extra = cluster.start("dying", 2, dev.trellis.relay.config.RelayOptions.forTests(7, "die"));
    String id = extra.service(RelayService.class).instanceId();
    String tn = "tn-" + UUID.randomUUID();
    NodePrivateKey k = cluster.node(tn);
    try (var c =
        RelayTestClient.connect(
            extra.service(RelayService.class).relayPort(),
            extra.service(RelayService.class).pin(),
            k)) {
      assertTrue(c.accepted());
      extra.hazelcast().getLifecycleService().terminate();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      boolean reported = false;
      while (!reported && System.nanoTime() < deadline) {
        Thread.sleep(250);
        reported =
            cluster.events(Topics.RELAY).stream()
                .filter(e -> e.getType().equals("trellis.event.v1.RelayInstanceStopped"))
                .anyMatch(e -> e.getAggregateId().equals(id));
      }
      assertTrue(reported, "a survivor appended RelayInstanceStopped for " + id);
      var presence = cluster.hazelcast().<String, String>getMap("relay.presence");
      assertTrue(
          presence.values().stream().noneMatch(v -> v.startsWith(id + "|")),
          "its node keys are withdrawn");
    } finally {
      cluster.cluster.closeCrashed(extra);
    }
  }

  @Test
  void anInstanceThatDiedWithNoRelayToSeeItIsReapedByTheNextToStart() throws Exception {
    // The record an instance leaves when it is killed while it is the only relay: its member is
    // gone, and no relay ran to see it leave.
    String orphan = "relay-orphan-" + UUID.randomUUID().toString().substring(0, 8);
    var instances = cluster.hazelcast().<String, String>getMap("relay.instances");
    instances.set(
        orphan,
        new dev.trellis.relay.mesh.InstanceRecord(
                orphan, UUID.randomUUID().toString(), "127.0.0.1", 1, "00", 1)
            .encode());
    var late = cluster.start("late", 4, dev.trellis.relay.config.RelayOptions.forTests(1, "tst"));
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      boolean reported = false;
      while (!reported && System.nanoTime() < deadline) {
        reported =
            cluster.events(Topics.RELAY).stream()
                .filter(e -> e.getType().equals("trellis.event.v1.RelayInstanceStopped"))
                .anyMatch(e -> e.getAggregateId().equals(orphan));
        Thread.sleep(reported ? 0 : 250);
      }
      assertTrue(reported, "the starting instance appended RelayInstanceStopped for " + orphan);
      assertNull(instances.get(orphan), "the orphan's record is gone");
      for (int i = 0; i < 2; i++) {
        String live = cluster.relay(i).instanceId();
        assertTrue(instances.containsKey(live), "a live instance's record stays: " + live);
      }
    } finally {
      cluster.stop(late);
    }
  }

  @Test
  void aStoppedInstanceSaysSoAndTheMeshRefusesStrangers() throws Exception {
    var extra =
        cluster.start("graceful", 3, dev.trellis.relay.config.RelayOptions.forTests(8, "bye"));
    String id = extra.service(RelayService.class).instanceId();
    int port = extra.service(RelayService.class).relayPort();
    String pin = extra.service(RelayService.class).pin();
    // A mesh upgrade without a valid service credential is refused.
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(
        null, new javax.net.ssl.TrustManager[] {new dev.trellis.relay.tls.PinnedTrust(pin)}, null);
    try (var s = ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write(
              ("GET /relay/v1/mesh HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
                      + "Upgrade: trellis-relay\r\nAuthorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      byte[] head = new byte[12];
      int n = s.getInputStream().readNBytes(head, 0, 12);
      assertEquals("HTTP/1.1 401", new String(head, 0, n, StandardCharsets.US_ASCII));
    }
    assertEquals(1, extra.service(RelayService.class).metrics().refusals("mesh_unauthenticated"));
    cluster.stop(extra);
    boolean stopped =
        cluster.events(Topics.RELAY).stream()
            .filter(e -> e.getType().equals("trellis.event.v1.RelayInstanceStopped"))
            .filter(e -> e.getAggregateId().equals(id))
            .anyMatch(
                e -> {
                  try {
                    return dev.trellis.proto.event.v1.RelayInstanceStopped.parseFrom(e.getPayload())
                        .getReason()
                        .equals("shutdown");
                  } catch (Exception x) {
                    throw new AssertionError(x);
                  }
                });
    assertTrue(stopped, "RelayInstanceStopped(shutdown) for " + id);
    assertNull(
        cluster.hazelcast().<String, String>getMap("relay.instances").get(id),
        "its instance record is gone");
  }

  @Test
  void aPlaintextTestRelayAnnouncesItselfAsSuchAndRelays() throws Exception {
    var extra =
        cluster.start(
            "plain", 4, dev.trellis.relay.config.RelayOptions.forTests(9, "pln").withPlaintext());
    try {
      RelayService r = extra.service(RelayService.class);
      assertEquals("", r.pin());
      String tn = "tn-" + UUID.randomUUID();
      NodePrivateKey a = cluster.node(tn);
      NodePrivateKey b = cluster.node(tn);
      try (var ca = RelayTestClient.connect(r.relayPort(), "", a);
          var cb = RelayTestClient.connect(r.relayPort(), "", b)) {
        assertTrue(ca.accepted());
        assertTrue(cb.accepted());
        ca.send(b.publicKey(), bytes("plain"));
        var got = cb.nextPacket(WAIT);
        assertNotNull(got);
        assertArrayEquals(bytes("plain"), got.packet());
      }
      boolean announced =
          cluster.events(Topics.RELAY).stream()
              .filter(e -> e.getAggregateId().equals(r.instanceId()))
              .filter(e -> e.getType().equals("trellis.event.v1.RelayInstanceStarted"))
              .anyMatch(
                  e -> {
                    try {
                      return RelayInstanceStarted.parseFrom(e.getPayload())
                          .getTlsSpkiSha256()
                          .equals(dev.trellis.proto.relay.Frames.PLAINTEXT_PIN);
                    } catch (Exception x) {
                      throw new AssertionError(x);
                    }
                  });
      assertTrue(announced, "the relay map tells devices to use plain TCP");
    } finally {
      cluster.stop(extra);
    }
  }
}
