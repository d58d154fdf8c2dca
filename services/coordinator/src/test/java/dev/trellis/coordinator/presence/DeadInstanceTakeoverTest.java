package dev.trellis.coordinator.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.hazelcast.core.HazelcastInstance;
import dev.trellis.coordinator.netmap.NetmapModel;
import dev.trellis.coordinator.netmap.NodeView;
import dev.trellis.kafka.embedded.EmbeddedKafka;
import dev.trellis.kafka.embedded.EmbeddedKafkaOptions;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.NodeOffline;
import dev.trellis.proto.event.v1.NodeRegistered;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.EventLogOptions;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.testkit.port.FreePorts;
import dev.trellis.testkit.tag.IntegrationTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator instance that dies sweeps nothing: the survivors take over its claims. Over a real
 * KRaft broker and real Hazelcast members, an instance holding two nodes is terminated; the device
 * of one reconnects to another instance, the other's is gone. After the grace the node whose device
 * went away is said offline once, in the dead instance's name, and the one that moved stays online.
 */
@IntegrationTest
class DeadInstanceTakeoverTest {
  private static final String TAILNET = "tn-takeover";
  private static final String STAYED = "node-stayed";
  private static final String MOVED = "node-moved";

  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static HazelcastInstance hzA;
  static HazelcastInstance hzB;
  static Vertx vertx;
  static EventLog log;
  static int portA;
  static String cluster;

  private final CoordinatorTopic topic = new CoordinatorTopic(() -> log);

  @BeforeAll
  static void start() throws Exception {
    kafka = new EmbeddedKafka(EmbeddedKafkaOptions.of(Files.createDirectories(dir.resolve("k"))));
    String bootstrap = kafka.start();
    portA = FreePorts.tcp();
    int portB = FreePorts.tcp();
    cluster = "takeover-" + UUID.randomUUID();
    hzA = CoordinatorTopic.member(dir, portA, portB, cluster);
    hzB = CoordinatorTopic.member(dir, portB, portA, cluster);
    vertx = Vertx.vertx();
    log =
        EventLog.connect(
                vertx,
                EventLogOptions.of(bootstrap, "takeover-test")
                    .withPartitions(1)
                    .withConnectDeadline(Duration.ofSeconds(30)))
            .await();
    log.ensureTopics(List.of(Topics.COORDINATOR)).await();
  }

  @AfterAll
  static void stop() {
    if (log != null) {
      log.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    for (HazelcastInstance hz : new HazelcastInstance[] {hzA, hzB}) {
      if (hz != null) {
        hz.shutdown();
      }
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void theNodesOfAnInstanceThatDiedGoOfflineUnlessTheyMoved() throws Exception {
    Events events = new Events(Clock.systemUTC());
    NetmapModel model = new NetmapModel();
    registeredNode(model, events, STAYED);
    registeredNode(model, events, MOVED);
    // Instance C (its own Hazelcast member; ids are member ids) holds both nodes' streams.
    HazelcastInstance hzC = CoordinatorTopic.member(dir, FreePorts.tcp(), portA, cluster);
    String c = hzC.getCluster().getLocalMember().getUuid().toString();
    Presence onC = presence(hzC, events, c);
    Presence a = presence(hzA, events, id(hzA));
    Presence b = presence(hzB, events, id(hzB));
    onC.online(ref(STAYED), "");
    onC.online(ref(MOVED), "");
    topic.fold(model, 2);
    awaitClaim(STAYED, c);
    awaitClaim(MOVED, c);

    // C is killed. MOVED's device reconnects to B at once; STAYED's device is gone.
    hzC.getLifecycleService().terminate();
    b.online(ref(MOVED), holder(model, MOVED));
    topic.fold(model, 3);
    awaitClaim(MOVED, id(hzB));
    a.memberLeft(c, 0);
    b.memberLeft(c, 0);
    // Both survivors take over after the grace (0 here); one compare-and-delete wins.
    a.reapLeft(1, dead -> heldBy(model, dead));
    b.reapLeft(1, dead -> heldBy(model, dead));

    List<EventEnvelope> all = topic.fold(model, 4);
    NodeOffline offline = Events.payload(all.get(3), NodeOffline.getDefaultInstance());
    assertEquals(STAYED, offline.getNodeId(), "said offline once, for the node that stayed");
    assertEquals(c, offline.getCoordinatorInstance(), "in the dead instance's name");
    assertFalse(model.node(STAYED).orElseThrow().online(), "the device that went away is offline");
    assertTrue(model.node(MOVED).orElseThrow().online(), "the device that moved stays online");
    assertNull(hzA.<String, String>getMap(Presence.MAP).get(STAYED), "its claim is gone");
    Thread.sleep(500);
    assertEquals(
        4, topic.readAll().size(), "nothing else said: " + CoordinatorTopic.types(topic.readAll()));
  }

  private static String id(HazelcastInstance hz) {
    return hz.getCluster().getLocalMember().getUuid().toString();
  }

  private static Presence.NodeRef ref(String node) {
    return new Presence.NodeRef(node, TAILNET);
  }

  private static List<Presence.NodeRef> heldBy(NetmapModel model, String instance) {
    return model.heldBy(instance).stream().map(n -> ref(n.id())).toList();
  }

  private static String holder(NetmapModel model, String node) {
    NodeView n = model.node(node).orElseThrow();
    return n.online() ? n.holder() : "";
  }

  /** Waits until the presence map names {@code instance} for {@code node} (claims are async). */
  private static void awaitClaim(String node, String instance) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!instance.equals(hzA.<String, String>getMap(Presence.MAP).get(node))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(node + " not claimed by " + instance);
      }
      Thread.sleep(20);
    }
  }

  private static Presence presence(HazelcastInstance hz, Events events, String instance) {
    var counter = new SimpleMeterRegistry().counter("offlines");
    return new Presence(vertx, hz, log, events, Clock.systemUTC(), instance, 0, counter);
  }

  /** Registers and addresses {@code NODE} in {@code model}, as the keys and ipam topics would. */
  private static void registeredNode(NetmapModel model, Events events, String node) {
    Actor system = Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("test").build();
    byte[] key = new byte[32];
    key[0] = (byte) node.length();
    model.apply(
        events
            .draft(
                TAILNET,
                node,
                system,
                NodeRegistered.newBuilder()
                    .setNodeId(node)
                    .setMachineKey(ByteString.copyFrom(key))
                    .setNodeKey(ByteString.copyFrom(key))
                    .setName(node)
                    .setHostname(node)
                    .setUserId("u1")
                    .setApproved(true)
                    .build())
            .build());
    model.apply(
        events
            .draft(
                TAILNET,
                node,
                system,
                AddressAllocated.newBuilder()
                    .setNodeId(node)
                    .setIpv4(node.equals(MOVED) ? "100.64.0.8" : "100.64.0.7")
                    .setIpv6(node.equals(MOVED) ? "fd7a:115c:a1e0::8" : "fd7a:115c:a1e0::7")
                    .build())
            .build());
  }
}
