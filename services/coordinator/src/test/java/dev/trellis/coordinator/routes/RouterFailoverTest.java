package dev.trellis.coordinator.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.trellis.coordinator.CoordinatorService;
import dev.trellis.coordinator.controlkey.ControlKeyStore;
import dev.trellis.proto.channel.HandshakeInitiator;
import dev.trellis.proto.channel.HandshakeResult;
import dev.trellis.proto.channel.RecordCodec;
import dev.trellis.proto.control.CapabilityVersion;
import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.HostInfo;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.NodeRegistered;
import dev.trellis.proto.event.v1.NodeRoutesApproved;
import dev.trellis.proto.key.MachinePrivateKey;
import dev.trellis.proto.key.MachinePublicKey;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.NodeRouteState;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.testkit.ServiceCluster;
import dev.trellis.testkit.tag.IntegrationTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Subnet router failover through two real coordinator instances (real broker, real Hazelcast, real
 * device channels): two routers offer the same subnet, one on each instance; clients on both
 * instances agree on the primary; when the primary's channel ends (its agent killed), every client
 * gets the standby as the prefix's carrier within the router grace, well under 5 s; the routes the
 * instances publish for the admin API say the same.
 */
@IntegrationTest
class RouterFailoverTest {
  static final String LAN = "192.168.77.0/24";
  static final String TAILNET = "tn-failover";

  private final Events events = new Events(Clock.systemUTC());
  private final Actor actor = Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("t").build();

  /** A device: its channel and the latest view of each peer its stream gave. */
  private final class Device {
    final String id;
    final MachinePrivateKey machine = MachinePrivateKey.generate();
    final ByteString nodeKey;
    final Map<String, Node> peers = new ConcurrentHashMap<>();
    WebSocket ws;
    HandshakeResult session;

    Device(String id, int n) {
      this.id = id;
      byte[] k = new byte[32];
      k[0] = (byte) n;
      k[1] = 42;
      nodeKey = ByteString.copyFrom(k);
    }

    void register(ServiceCluster cluster, int n) {
      cluster.append(
          Topics.KEYS,
          event(
              id,
              NodeRegistered.newBuilder()
                  .setNodeId(id)
                  .setMachineKey(ByteString.copyFrom(machine.publicKey().toBytes()))
                  .setNodeKey(nodeKey)
                  .setName(id)
                  .setHostname(id)
                  .setUserId("u1")
                  .setApproved(true)
                  .build()));
      cluster.append(
          Topics.IPAM,
          event(
              id,
              AddressAllocated.newBuilder()
                  .setNodeId(id)
                  .setIpv4("100.64.7." + n)
                  .setIpv6("fd7a:115c:a1e0::7:" + n)
                  .build()));
    }

    void connect(Vertx vertx, String base, MachinePublicKey control, List<String> routes)
        throws Exception {
      URI uri = URI.create(base);
      ws =
          vertx
              .createWebSocketClient(
                  new WebSocketClientOptions().setMaxMessageSize(8 << 20).setMaxFrameSize(8 << 20))
              .connect(
                  new WebSocketConnectOptions()
                      .setHost(uri.getHost())
                      .setPort(uri.getPort())
                      .setURI("/control/v1/channel"))
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      var init = new HandshakeInitiator(machine, control);
      CompletableFuture<byte[]> reply = new CompletableFuture<>();
      ws.binaryMessageHandler(
          b -> {
            if (!reply.isDone()) {
              reply.complete(b.getBytes());
            } else {
              try {
                MapResponse m =
                    RecordCodec.openServerMessage(session.cipher(), b.getBytes()).getMap();
                take(m);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }
          });
      ws.writeBinaryMessage(Buffer.buffer(init.start(CapabilityVersion.CURRENT)));
      session = init.finish(reply.get(10, TimeUnit.SECONDS));
      ws.writeBinaryMessage(
          Buffer.buffer(
              RecordCodec.seal(
                  session.cipher(),
                  ClientMessage.newBuilder()
                      .setMap(
                          MapRequest.newBuilder()
                              .setCapabilityVersion(CapabilityVersion.CURRENT)
                              .setNodeKey(nodeKey)
                              .setHostInfo(
                                  HostInfo.newBuilder().setHostname(id).addAllRoutableIps(routes))
                              .setStream(true))
                      .build())));
    }

    private void take(MapResponse m) {
      if (m.hasFull()) {
        peers.clear();
        m.getFull().getPeersList().forEach(p -> peers.put(p.getId(), p));
      } else if (m.hasPeersAdded()) {
        m.getPeersAdded().getPeersList().forEach(p -> peers.put(p.getId(), p));
      } else if (m.hasPeersRemoved()) {
        m.getPeersRemoved().getNodeIdsList().forEach(peers::remove);
      }
    }

    /** The peer that carries {@code prefix} (its primary), or null. */
    String carrier(String prefix) {
      for (Node p : peers.values()) {
        if (p.getPrimaryRoutesList().contains(prefix) && p.getAllowedIpsList().contains(prefix)) {
          return p.getId();
        }
      }
      return null;
    }
  }

  private dev.trellis.proto.event.v1.EventEnvelope event(String aggregate, Message payload) {
    return events.draft(TAILNET, aggregate, actor, payload).build();
  }

  private static void await(String what, Predicate<Void> done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.test(null)) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(5);
    }
  }

  @Test
  void clientsOnBothInstancesAgreeAndTheStandbyTakesOverWellUnderFiveSeconds() throws Exception {
    try (ServiceCluster cluster =
        ServiceCluster.builder("coordinator")
            .services(
                i -> List.of(new CoordinatorService(Clock.systemUTC(), Duration.ofSeconds(5))))
            .start()) {
      Vertx vertx = Vertx.vertx();
      try {
        MachinePublicKey control =
            MachinePrivateKey.parse(
                    cluster.hazelcast().<String, String>getMap(ControlKeyStore.MAP).get("control"))
                .publicKey();
        String a = cluster.instance(0).anonymous().base();
        String b = cluster.instance(1).anonymous().base();
        Device r1 = new Device("r1", 1);
        Device r2 = new Device("r2", 2);
        Device c1 = new Device("c1", 3);
        Device c2 = new Device("c2", 4);
        int n = 1;
        for (Device d : List.of(r1, r2, c1, c2)) {
          d.register(cluster, n++);
        }
        for (Device r : List.of(r1, r2)) {
          cluster.append(
              Topics.KEYS,
              event(
                  r.id,
                  NodeRoutesApproved.newBuilder()
                      .setNodeId(r.id)
                      .addApprovedRoutes(LAN)
                      .setName(r.id)
                      .build()));
        }
        r1.connect(vertx, a, control, List.of(LAN));
        c1.connect(vertx, a, control, List.of());
        c2.connect(vertx, b, control, List.of());
        await("r1 primary at both clients", v -> "r1".equals(c1.carrier(LAN)));
        await("r1 primary at c2", v -> "r1".equals(c2.carrier(LAN)));
        r2.connect(vertx, b, control, List.of(LAN));
        await(
            "r2 known as a standby", v -> c2.peers.containsKey("r2") && c1.peers.containsKey("r2"));
        Thread.sleep(1_500); // r2 online for a while: it stays standby on both instances
        assertEquals("r1", c1.carrier(LAN));
        assertEquals("r1", c2.carrier(LAN));
        assertEquals(List.of(LAN), c2.peers.get("r2").getApprovedRoutesList(), "standing by");

        // The primary's agent dies: its channel ends.
        long t0 = System.nanoTime();
        r1.ws.close();
        await("failover at c1", v -> "r2".equals(c1.carrier(LAN)));
        long atC1 = System.nanoTime();
        await("failover at c2", v -> "r2".equals(c2.carrier(LAN)));
        long atC2 = System.nanoTime();
        long ms = (Math.max(atC1, atC2) - t0) / 1_000_000;
        System.out.printf(
            "FIGURE router-failover-ms %d (c1 on the dead router's instance %d ms, c2 %d ms)%n",
            ms, (atC1 - t0) / 1_000_000, (atC2 - t0) / 1_000_000);
        // The router grace (1 s) applies, not the 5 s one of other nodes; the bound leaves room for
        // a loaded machine while still telling the two apart.
        assertTrue(ms < 4_500, "failover took " + ms + " ms: the router grace did not apply");
        assertTrue(
            !c1.peers.get("r1").getAllowedIpsList().contains(LAN), "r1 no longer carries it");
        // The admin API's view, published by the instances once caught up.
        var routes = cluster.hazelcast().<String, byte[]>getMap(StateMaps.ROUTES);
        await(
            "r2's route state",
            v -> {
              byte[] raw = routes.get("r2");
              try {
                return raw != null
                    && NodeRouteState.parseFrom(raw).getPrimaryList().equals(List.of(LAN));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
        NodeRouteState r1State = NodeRouteState.parseFrom(routes.get("r1"));
        assertEquals(List.of(LAN), r1State.getInForceList());
        assertEquals(List.of(), r1State.getPrimaryList());
        assertEquals(null, routes.get("c1"), "no routes, no entry");
        for (Device d : List.of(r2, c1, c2)) {
          d.ws.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      }
    }
  }
}
