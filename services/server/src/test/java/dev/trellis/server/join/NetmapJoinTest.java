package dev.trellis.server.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PeerPatch;
import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.control.v1.ServerMessage;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.RelayInstanceStarted;
import dev.trellis.proto.event.v1.RelayInstanceStopped;
import dev.trellis.proto.key.MachinePublicKey;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.EventLogOptions;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.server.Server;
import dev.trellis.server.ServiceFlags;
import dev.trellis.testkit.BlockedEventLoops;
import dev.trellis.testkit.tag.IntegrationTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The netmap stream through the real all-in-one server (embedded Kafka, Hazelcast, identity, keys,
 * ipam, coordinator), driven by simulated devices on the real channel: register with an auth key →
 * full netmap; a new node → PeersAdded to the others within a second; an endpoint report → a patch
 * with only the endpoints; admin delete → PeersRemoved and LoggedOut; expiry → ReauthRequired;
 * tailnets isolated; resume after a drop gives deltas; bad records close only their channel; relay
 * fleet events reach every stream; hundreds of channels dropped at once leave the server serving.
 * Every test works in a tailnet of its own.
 */
@IntegrationTest
class NetmapJoinTest {
  static Server server;
  static Vertx vertx;
  static Path dir;
  static AdminClient admin;
  static MachinePublicKey controlKey;
  static final AtomicInteger TAILNETS = new AtomicInteger();
  static final HttpClient METRICS =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static final BlockedEventLoops LOOPS = new BlockedEventLoops();

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("trellis-netmap");
    server =
        Server.start(
            Settings.parse(
                "trellis-server",
                new String[] {
                  "--state-dir",
                  dir.toString(),
                  "--http-port",
                  "0",
                  "--hazelcast-port",
                  "0",
                  "--relay-port",
                  "0",
                  "--stun-port",
                  "0",
                  "--metrics-listen",
                  "127.0.0.1:0",
                  "--hazelcast-cluster",
                  "netmap-join-" + ProcessHandle.current().pid()
                },
                Map.of(),
                ServiceFlags.ALL));
    LOOPS.watch("server", server.vertx());
    vertx = Vertx.vertx();
    admin = new AdminClient(server.httpPort(), dir);
    var r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.httpPort() + "/control/v1/key"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    controlKey = MachinePublicKey.parse(new JsonObject(r.body()).getString("controlKey"));
  }

  /** A test during which the server's event loops were blocked fails (see BlockedEventLoops). */
  @AfterEach
  void noBlockedEventLoop() {
    LOOPS.assertNone();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** A fresh tailnet; returns a reusable auth key for it. */
  static String freshTailnet() throws Exception {
    String name = "join" + TAILNETS.incrementAndGet() + "x" + (System.nanoTime() % 100_000);
    admin.createTailnet(name);
    return admin.reusableKey(name);
  }

  static DeviceClient device(String hostname) throws Exception {
    return new DeviceClient(vertx, server.httpPort(), controlKey, hostname).connect();
  }

  /** Registers and opens the stream; returns the full netmap. */
  static MapResponse joinAndStream(DeviceClient d, String key) throws Exception {
    RegisterResponse r = d.register(key);
    assertFalse(r.getNodeId().isEmpty(), d.hostname + " registered: " + r);
    d.stream(false);
    return d.frame(MapResponse::hasFull, 15);
  }

  static boolean mentions(ServerMessage m, String nodeId) {
    return m.toString().contains("\"" + nodeId + "\"");
  }

  /** The server's trellis_coordinator_channels_open gauge. */
  static double channelsOpen() throws Exception {
    String text =
        METRICS
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics"))
                    .timeout(java.time.Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    for (String line : text.split("\n")) {
      if (line.startsWith("trellis_coordinator_channels_open")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no channels_open gauge in /metrics");
  }

  @Test
  void nodesJoinPatchLeaveAndExpire() throws Exception {
    String key = freshTailnet();
    DeviceClient a = device("alpha");
    MapResponse full = joinAndStream(a, key);
    Node self = full.getFull().getSelf();
    assertEquals(a.nodeId, self.getId());
    assertTrue(self.getName().startsWith("alpha."), self.getName());
    assertEquals(2, self.getAddressesCount(), self.toString());
    assertTrue(self.getAddresses(0).matches("100\\.\\d+\\.\\d+\\.\\d+/32"), self.toString());
    assertTrue(self.getAddresses(1).startsWith("fd7a:115c:a1e0:"), self.toString());
    assertEquals(0, full.getFull().getPeersCount());

    // A second node registers: the first gets PeersAdded within a second.
    DeviceClient b = device("bravo");
    long sent = System.nanoTime();
    RegisterResponse rb = b.register(key);
    long answered = System.nanoTime();
    DeviceClient.Received added =
        a.next(m -> m.getMap().hasPeersAdded() && mentions(m, b.nodeId), 10);
    long sinceSent = (added.atNanos() - sent) / 1_000_000;
    long sinceAnswer = (added.atNanos() - answered) / 1_000_000;
    System.out.printf(
        "FIGURE peers-added-ms since-register-sent=%d since-register-answered=%d%n",
        sinceSent, sinceAnswer);
    assertTrue(sinceAnswer <= 1_000, "PeersAdded " + sinceAnswer + " ms after the answer");
    Node peer = added.message().getMap().getPeersAdded().getPeers(0);
    assertEquals(rb.getAddressesList(), peer.getAddressesList());
    assertEquals(b.node.publicKey().toBytes().length, peer.getNodeKey().size());

    // An endpoint report: the others get a patch carrying only the endpoints.
    b.reportEndpoints("192.0.2.7:41641", "[2001:db8::7]:41641");
    MapResponse patches =
        a.frame(f -> f.hasPeerPatches() && f.getPeerPatches().toString().contains("192.0.2.7"), 5);
    PeerPatch p = patches.getPeerPatches().getPatches(0);
    assertEquals(b.nodeId, p.getNodeId());
    assertEquals(2, p.getEndpoints().getEndpointsCount());
    assertEquals("192.0.2.7:41641", p.getEndpoints().getEndpoints(0).getAddress());
    assertEquals(
        PeerPatch.newBuilder().setNodeId(b.nodeId).setEndpoints(p.getEndpoints()).build(),
        p,
        "only the endpoints");

    // An admin deletes B: A gets PeersRemoved, B gets LoggedOut and its stream ends.
    b.stream(false);
    assertEquals(1, b.frame(MapResponse::hasFull, 10).getFull().getPeersCount());
    long del = System.nanoTime();
    admin.deleteNode(b.nodeId);
    DeviceClient.Received removed =
        a.next(m -> m.getMap().getPeersRemoved().getNodeIdsList().contains(b.nodeId), 5);
    System.out.printf(
        "FIGURE delete-to-peers-removed-ms %d%n", (removed.atNanos() - del) / 1_000_000);
    MapResponse out = b.frame(f -> f.hasLoggedOut() || f.hasReauthRequired(), 5);
    assertTrue(out.hasLoggedOut(), out.toString());
    b.closed.get(10, TimeUnit.SECONDS);

    // C's key expires: C is told to re-authenticate; A keeps it, marked expired (as Tailscale
    // does: A's agent leaves it out of WireGuard and shows it as expired), until it is deleted.
    DeviceClient c = device("charlie");
    joinAndStream(c, key);
    a.next(m -> m.getMap().hasPeersAdded() && mentions(m, c.nodeId), 5);
    admin.expireNode(c.nodeId);
    MapResponse reauth = c.frame(f -> f.hasReauthRequired() || f.hasLoggedOut(), 5);
    assertTrue(reauth.hasReauthRequired(), reauth.toString());
    assertEquals("NODE_KEY_EXPIRED", reauth.getReauthRequired().getReasonCode());
    DeviceClient.Received expired =
        a.next(
            m ->
                m.getMap().getPeerPatches().getPatchesList().stream()
                    .anyMatch(x -> x.getNodeId().equals(c.nodeId) && x.hasKeyExpired()),
            5);
    PeerPatch cp =
        expired.message().getMap().getPeerPatches().getPatchesList().stream()
            .filter(x -> x.getNodeId().equals(c.nodeId))
            .findFirst()
            .orElseThrow();
    assertTrue(cp.getKeyExpired(), cp.toString());
    // a node joining now gets C in its full netmap, marked expired
    DeviceClient d = device("delta");
    MapResponse dFull = joinAndStream(d, key);
    Node cInD =
        dFull.getFull().getPeersList().stream()
            .filter(n -> n.getId().equals(c.nodeId))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no expired C in " + dFull));
    assertTrue(cInD.getKeyExpired(), cInD.toString());
    admin.deleteNode(c.nodeId);
    a.next(m -> m.getMap().getPeersRemoved().getNodeIdsList().contains(c.nodeId), 5);
  }

  @Test
  void twoTailnetsNeverSeeEachOther() throws Exception {
    String red = freshTailnet();
    String blue = freshTailnet();
    DeviceClient r1 = device("red-one");
    DeviceClient b1 = device("blue-one");
    joinAndStream(r1, red);
    assertEquals(0, joinAndStream(b1, blue).getFull().getPeersCount());
    DeviceClient r2 = device("red-two");
    DeviceClient b2 = device("blue-two");
    assertEquals(1, joinAndStream(r2, red).getFull().getPeersCount());
    MapResponse b2full = joinAndStream(b2, blue);
    assertEquals(
        List.of(b1.nodeId), b2full.getFull().getPeersList().stream().map(Node::getId).toList());
    b2.reportEndpoints("192.0.2.9:41641");
    r2.reportEndpoints("192.0.2.8:41641");
    b1.frame(f -> f.toString().contains("192.0.2.9"), 5);
    r1.frame(f -> f.toString().contains("192.0.2.8"), 5);
    Thread.sleep(300);
    for (ServerMessage m : r1.drain()) {
      assertFalse(mentions(m, b1.nodeId) || mentions(m, b2.nodeId), "red saw blue: " + m);
      assertFalse(m.toString().contains("192.0.2.9"), m.toString());
    }
    for (ServerMessage m : b1.drain()) {
      assertFalse(mentions(m, r1.nodeId) || mentions(m, r2.nodeId), "blue saw red: " + m);
      assertFalse(m.toString().contains("192.0.2.8"), m.toString());
    }
  }

  @Test
  void resumeAfterADroppedChannelGetsDeltasNotAFull() throws Exception {
    String key = freshTailnet();
    DeviceClient a = device("resumer");
    joinAndStream(a, key);
    String token = a.token;
    long version = a.version;
    a.drop();

    DeviceClient b = device("newcomer");
    assertFalse(b.register(key).getNodeId().isEmpty());
    Thread.sleep(500); // the change is in the dropped session's buffer by now

    a.connect();
    a.stream(true);
    // Deltas only (its own online patch may be among them), in version order, then B's arrival.
    long expect = version + 1;
    MapResponse f;
    do {
      f = a.frame(x -> !x.hasKeepalive(), 10);
      assertFalse(f.hasFull(), "resumed with deltas, not a full: " + f);
      assertEquals(expect++, f.getNetmapVersion(), f.toString());
      assertEquals(token, f.getResumeToken());
    } while (!f.hasPeersAdded());
    assertEquals(b.nodeId, f.getPeersAdded().getPeers(0).getId());
    long resumedAt = f.getNetmapVersion();

    // Another change reaches the resumed stream live.
    b.reportEndpoints("192.0.2.77:41641");
    MapResponse live = a.frame(MapResponse::hasPeerPatches, 5);
    assertEquals(resumedAt + 1, live.getNetmapVersion());
  }

  @Test
  void malformedAndOversizedRecordsCloseOnlyTheirChannel() throws Exception {
    String key = freshTailnet();
    DeviceClient a = device("bystander");
    joinAndStream(a, key);

    DeviceClient garbage = device("garbage");
    garbage.sendRaw(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18});
    assertEquals((short) 1008, garbage.closed.get(10, TimeUnit.SECONDS));

    DeviceClient notProto = device("not-protobuf");
    byte[] junk = new byte[40];
    java.util.Arrays.fill(junk, (byte) 0xff);
    notProto.sendRaw(notProto.sealPlain(junk));
    assertEquals((short) 1008, notProto.closed.get(10, TimeUnit.SECONDS));

    DeviceClient huge = device("oversized");
    try {
      huge.sendRaw(new byte[5 << 20]); // past the 4 MiB record limit
    } catch (java.util.concurrent.ExecutionException e) {
      // the server may close the connection before the whole message is written
    }
    huge.closed.get(10, TimeUnit.SECONDS);

    assertFalse(a.closed.isDone(), "the bystander's channel stays open");
    DeviceClient b = device("after");
    joinAndStream(b, key);
    a.next(m -> m.getMap().hasPeersAdded() && mentions(m, b.nodeId), 5);
  }

  @Test
  void relayFleetEventsReachEveryStream() throws Exception {
    DeviceClient a = device("relay-a");
    DeviceClient b = device("relay-b");
    joinAndStream(a, freshTailnet());
    joinAndStream(b, freshTailnet());
    String instance = "relay-test-" + ProcessHandle.current().pid();
    EventLog log =
        EventLog.connect(vertx, EventLogOptions.of(server.kafkaBootstrap(), "netmap-join-test"))
            .toCompletionStage()
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);
    try {
      Events events = new Events(Clock.systemUTC());
      Actor actor = Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("service:relay").build();
      // The log needs a key; relay events are about no tailnet, so any placeholder will do.
      log.append(
              Topics.RELAY,
              events
                  .draft(
                      "relay-fleet",
                      instance,
                      actor,
                      RelayInstanceStarted.newBuilder()
                          .setInstanceId(instance)
                          .setRegionId(901)
                          .setRegionCode("tst")
                          .setHostname("relay.test")
                          .addAddresses("192.0.2.50")
                          .setRelayPort(8443)
                          .setStunPort(3478)
                          .build())
                  .build())
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      for (DeviceClient d : List.of(a, b)) {
        MapResponse f =
            d.frame(x -> x.hasRelayMapChanged() && x.getRelayMapChanged().containsRegions(901), 5);
        var n = f.getRelayMapChanged().getRegionsOrThrow(901).getNodes(0);
        assertEquals(instance, n.getName());
        assertEquals("192.0.2.50", n.getIpv4());
        assertEquals(8443, n.getRelayPort());
      }
      DeviceClient c = device("relay-c");
      assertTrue(joinAndStream(c, freshTailnet()).getFull().getRelayMap().containsRegions(901));

      log.append(
              Topics.RELAY,
              events
                  .draft(
                      "relay-fleet",
                      instance,
                      actor,
                      RelayInstanceStopped.newBuilder()
                          .setInstanceId(instance)
                          .setRegionId(901)
                          .setReason("shutdown")
                          .build())
                  .build())
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      for (DeviceClient d : List.of(a, b, c)) {
        d.frame(x -> x.hasRelayMapChanged() && !x.getRelayMapChanged().containsRegions(901), 5);
      }
    } finally {
      log.close();
    }
  }

  @Test
  void hundredsOfChannelsDroppedAtOnceLeaveTheServerServing() throws Exception {
    int n = Integer.getInteger("trellis.test.massDrop", 300);
    String key = freshTailnet();
    Vertx crowd = Vertx.vertx();
    List<DeviceClient> devices = new ArrayList<>();
    long t0 = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
      List<Future<DeviceClient>> joins = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String host = "crowd-" + i;
        joins.add(
            pool.submit(
                () -> {
                  DeviceClient d =
                      new DeviceClient(crowd, server.httpPort(), controlKey, host).connect();
                  joinAndStream(d, key);
                  return d;
                }));
      }
      for (Future<DeviceClient> f : joins) {
        devices.add(f.get(120, TimeUnit.SECONDS));
      }
    }
    System.out.printf(
        "FIGURE mass-join devices=%d seconds=%.1f%n", n, (System.nanoTime() - t0) / 1e9);

    double openBefore = channelsOpen();
    // Every channel goes at once (the client side shuts down); the server must keep serving.
    long dropped = System.nanoTime();
    List<io.vertx.core.Future<Void>> closing = new ArrayList<>();
    devices.forEach(d -> closing.add(d.closeAsync()));
    DeviceClient late = device("after-the-drop");
    MapResponse full = joinAndStream(late, key);
    long probeMs = (System.nanoTime() - dropped) / 1_000_000;
    double open = channelsOpen();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (open > openBefore - n + 1 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      open = channelsOpen();
    }
    long goneMs = (System.nanoTime() - dropped) / 1_000_000;
    System.out.printf(
        "FIGURE mass-drop devices=%d register-and-full-during-drop-ms=%d all-gone-ms=%d%n",
        n, probeMs, goneMs);
    assertTrue(open <= openBefore - n + 1, "channels still open: " + open + " of " + openBefore);
    io.vertx.core.Future.join(closing)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    crowd.close();
    assertEquals(n, full.getFull().getPeersCount(), "the dropped nodes are still registered");
    assertTrue(probeMs < 5_000, "server answered " + probeMs + " ms after the drop");
    assertEquals(200, admin.status("/readyz"));
  }
}
