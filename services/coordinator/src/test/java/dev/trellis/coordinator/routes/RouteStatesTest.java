package dev.trellis.coordinator.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.NodeRouteState;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.state.EmbeddedMember;
import dev.trellis.testkit.port.FreePorts;
import dev.trellis.testkit.tag.IntegrationTest;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinator instances (two models, each with its route-state publisher, on two real Hazelcast
 * members) read the same events in different topic orders and publish the same routes per node in
 * {@link StateMaps#ROUTES}: a router's advertised, auto-approved, in-force and primary routes; no
 * entry for a node without routes or a removed one.
 */
@IntegrationTest
class RouteStatesTest {
  static final String LAN = "192.168.1.0/24";

  @TempDir static Path dir;
  static HazelcastInstance hzA;
  static HazelcastInstance hzB;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    for (int attempt = 1; hzB == null; attempt++) {
      // A free port may be taken by another process before the member binds it: try new ones.
      int a = FreePorts.tcp();
      int b = FreePorts.tcp();
      String cluster = "routes-" + UUID.randomUUID();
      try {
        hzA = member(a, b, cluster);
        hzB = member(b, a, cluster);
      } catch (RuntimeException e) {
        if (hzA != null) {
          hzA.shutdown();
          hzA = null;
        }
        if (attempt == 3) {
          throw e;
        }
      }
    }
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    for (HazelcastInstance hz : new HazelcastInstance[] {hzA, hzB}) {
      if (hz != null) {
        hz.shutdown();
      }
    }
  }

  static HazelcastInstance member(int port, int other, String cluster) {
    return EmbeddedMember.start(
        Settings.parse(
            new String[] {
              "--state-dir",
              dir.resolve("hz-" + port).toString(),
              "--hazelcast-port",
              "" + port,
              "--hazelcast-interface",
              "127.0.0.1",
              "--hazelcast-members",
              "127.0.0.1:" + other,
              "--hazelcast-cluster",
              cluster
            },
            Map.of()));
  }

  /** One instance: a model and its publisher, on the instance's model context. */
  private static final class Instance {
    final RouteWorld world = new RouteWorld();
    final Context context = vertx.getOrCreateContext();
    final RouteStates states;

    Instance(HazelcastInstance hz) {
      states = new RouteStates(vertx, context, hz);
    }

    void apply(List<EventEnvelope> events) {
      run(
          () -> {
            for (EventEnvelope e : events) {
              world.model.apply(e, states::changed);
            }
          });
    }

    void run(Runnable r) {
      Promise<Void> done = Promise.promise();
      context.runOnContext(
          v -> {
            r.run();
            done.complete();
          });
      done.future().await();
    }
  }

  @Test
  void twoInstancesPublishTheSameRoutesWhateverOrderTheyReadTheTopicsIn() throws Exception {
    RouteWorld w = new RouteWorld();
    List<EventEnvelope> keys = new ArrayList<>(w.users());
    keys.addAll(w.join("r1", 1, "ua"));
    keys.addAll(w.join("r2", 2, "ub"));
    keys.addAll(w.join("c", 3, "ua"));
    keys.addAll(w.join("t", 4, "", "tag:router"));
    keys.add(w.approve(1, "r1", LAN));
    keys.add(w.approve(1, "r2", LAN));
    keys.add(w.removed(9, "t"));
    List<EventEnvelope> policy = List.of(w.policy(0, NetmapModelRoutesTest.AUTO_POLICY));
    List<EventEnvelope> coordinator =
        List.of(
            w.advertise(1, "r1", LAN),
            w.advertise(1, "r2", LAN, "10.9.0.0/16"),
            w.advertise(1, "t", LAN),
            w.online(3, "r2", "i1"),
            w.online(2, "r1", "i2"),
            w.online(2, "t", "i2"),
            w.offline(5, "r1", "i2"),
            w.online(6, "r1", "i2"));

    Instance a = new Instance(hzA);
    Instance b = new Instance(hzB);
    // A is live as the events come; B replays them all and writes only once caught up.
    a.run(a.states::caughtUp);
    List<EventEnvelope> inOrder = new ArrayList<>(policy);
    inOrder.addAll(keys);
    inOrder.addAll(coordinator);
    a.apply(inOrder);
    List<EventEnvelope> coordinatorFirst = new ArrayList<>(coordinator);
    coordinatorFirst.addAll(keys);
    coordinatorFirst.addAll(policy);
    b.apply(coordinatorFirst);
    b.run(b.states::caughtUp);

    NodeRouteState r2 =
        NodeRouteState.newBuilder()
            .setNodeId("r2")
            .setTailnetId(RouteWorld.TAILNET)
            .addAllAdvertised(List.of("10.9.0.0/16", LAN))
            .addInForce(LAN)
            .addPrimary(LAN)
            .build();
    NodeRouteState r1 =
        NodeRouteState.newBuilder()
            .setNodeId("r1")
            .setTailnetId(RouteWorld.TAILNET)
            .addAdvertised(LAN)
            .addInForce(LAN)
            .build();
    IMap<String, byte[]> map = hzA.getMap(StateMaps.ROUTES);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!(r2.equals(read(map, "r2")) && r1.equals(read(map, "r1")) && read(map, "t") == null)) {
      assertTrue(System.nanoTime() < deadline, "published: " + read(map, "r1") + read(map, "r2"));
      Thread.sleep(20);
    }
    Thread.sleep(300); // let both instances' last writes land
    assertEquals(r2, read(map, "r2"), "r2 is primary: online since 3 s, r1 only since 6 s");
    assertEquals(r1, read(map, "r1"));
    assertNull(read(map, "t"), "removed");
    assertNull(read(map, "c"), "no routes, no entry");
    assertEquals(a.world.node("r2").routes(), b.world.node("r2").routes());
    assertEquals(a.world.node("r1").routes(), b.world.node("r1").routes());
  }

  private static NodeRouteState read(IMap<String, byte[]> map, String id) throws Exception {
    byte[] raw = map.get(id);
    return raw == null ? null : NodeRouteState.parseFrom(raw);
  }
}
