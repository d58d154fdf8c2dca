package dev.trellis.coordinator.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinator instances' presence over a real KRaft broker and two real Hazelcast members: a
 * device whose stream moves from instance A to instance B while A's offline for it is in flight
 * ends online, in the coordinator's model folded from the log. The ordering is injected: A's sweep
 * has already removed its claim when B's stream opens (B sees the model still saying "online, held
 * by A"), and A appends its offline after that. And a router (primary for a subnet, or an exit
 * node) is said offline after the shorter router grace, so that its prefixes fail over.
 */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PresenceHandoverTest {
  private static final String TAILNET = "tn-handover";
  private static final String NODE = "node-handover";

  @TempDir static Path dir;
  static EmbeddedKafka kafka;
  static HazelcastInstance hzA;
  static HazelcastInstance hzB;
  static Vertx vertx;
  static EventLog log;

  private final CoordinatorTopic topic = new CoordinatorTopic(() -> log);

  @BeforeAll
  static void start() throws Exception {
    kafka = new EmbeddedKafka(EmbeddedKafkaOptions.of(Files.createDirectories(dir.resolve("k"))));
    String bootstrap = kafka.start();
    int portA = FreePorts.tcp();
    int portB = FreePorts.tcp();
    String cluster = "presence-" + UUID.randomUUID();
    hzA = CoordinatorTopic.member(dir, portA, portB, cluster);
    hzB = CoordinatorTopic.member(dir, portB, portA, cluster);
    vertx = Vertx.vertx();
    log =
        EventLog.connect(
                vertx,
                EventLogOptions.of(bootstrap, "presence-test")
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
  @Order(1) // counts the topic's events from its start
  void aDeviceThatMovedWhileAnOfflineWasInFlightEndsOnline() throws Exception {
    Events events = new Events(Clock.systemUTC());
    NetmapModel model = registeredNode(events);
    Presence a = presence(hzA, events, "coord-a");
    Presence b = presence(hzB, events, "coord-b");
    Presence.NodeRef ref = new Presence.NodeRef(NODE, TAILNET);

    // The device's stream opens on A.
    a.online(ref, holder(model));
    topic.fold(model, 1);
    assertTrue(model.node(NODE).orElseThrow().online());
    assertEquals("coord-a", model.node(NODE).orElseThrow().holder());

    // Its stream on A closes; A's sweep decides offline. Right after A removed its claim and
    // before A appends the offline, the device's new stream opens on B, whose model still says
    // "online, held by A" (A's offline is not in the log yet).
    a.closed(ref, 0);
    AtomicInteger checks = new AtomicInteger();
    CountDownLatch movedToB = new CountDownLatch(1);
    String holderBeforeOffline = holder(model);
    a.sweep(
        1,
        nodeId -> {
          if (checks.incrementAndGet() == 2) { // A's re-check after the claim was removed
            b.online(ref, holderBeforeOffline);
            movedToB.countDown();
          }
          return false; // A has no stream for the node
        });
    assertTrue(movedToB.await(30, TimeUnit.SECONDS), "A's sweep removed its claim");

    List<EventEnvelope> all = topic.fold(model, 3);
    NodeOffline offline = Events.payload(all.get(2), NodeOffline.getDefaultInstance());
    assertEquals("coord-a", offline.getCoordinatorInstance(), "A's offline lands last");
    NodeView node = model.node(NODE).orElseThrow();
    assertTrue(node.online(), "the device is connected to B, so it is online");
    assertEquals("coord-b", node.holder());
    assertEquals("coord-b", hzA.<String, String>getMap(Presence.MAP).get(NODE));

    // B's own offline, later, counts.
    b.closed(ref, 10);
    b.sweep(20, nodeId -> false);
    topic.fold(model, 4);
    assertFalse(model.node(NODE).orElseThrow().online(), "B said offline");
  }

  @Test
  @Order(2)
  void aRouterIsSaidOfflineAfterTheShorterRouterGrace() throws Exception {
    Events events = new Events(Clock.systemUTC());
    long second = TimeUnit.SECONDS.toNanos(1);
    Presence p =
        new Presence(
            vertx,
            hzA,
            log,
            events,
            Clock.systemUTC(),
            "coord-r",
            5 * second,
            second,
            new SimpleMeterRegistry().counter("offlines"));
    Presence.NodeRef router = new Presence.NodeRef("router-1", TAILNET);
    Presence.NodeRef laptop = new Presence.NodeRef("laptop-1", TAILNET);
    p.online(router, "");
    p.online(laptop, "");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!"coord-r".equals(hzA.<String, String>getMap(Presence.MAP).get("laptop-1"))
        || !"coord-r".equals(hzA.<String, String>getMap(Presence.MAP).get("router-1"))) {
      assertTrue(System.nanoTime() < deadline, "claims written");
      Thread.sleep(20);
    }
    p.closed(router, 0, true);
    p.closed(laptop, 0, false);

    p.sweep(second + 1, nodeId -> false);
    assertEquals(List.of("router-1"), offlines(1));
    p.sweep(3 * second, nodeId -> false);
    p.sweep(5 * second + 1, nodeId -> false);
    assertEquals(List.of("router-1", "laptop-1"), offlines(2));
  }

  /** The nodes said offline on the topic once there are {@code count}, in log order. */
  private List<String> offlines(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<String> out;
    do {
      out =
          topic.readAll().stream()
              .filter(e -> e.getType().endsWith("NodeOffline"))
              .map(e -> Events.payload(e, NodeOffline.getDefaultInstance()).getNodeId())
              .filter(id -> id.endsWith("-1"))
              .toList();
      if (out.size() >= count) {
        break;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    Thread.sleep(300); // and no more than that
    return topic.readAll().stream()
        .filter(e -> e.getType().endsWith("NodeOffline"))
        .map(e -> Events.payload(e, NodeOffline.getDefaultInstance()).getNodeId())
        .filter(id -> id.endsWith("-1"))
        .toList();
  }

  private static Presence presence(HazelcastInstance hz, Events events, String instance) {
    var counter = new SimpleMeterRegistry().counter("offlines");
    return new Presence(vertx, hz, log, events, Clock.systemUTC(), instance, 0, counter);
  }

  private static String holder(NetmapModel model) {
    NodeView n = model.node(NODE).orElseThrow();
    return n.online() ? n.holder() : "";
  }

  /** A model with the node registered and addressed, as the keys and ipam topics would say. */
  private static NetmapModel registeredNode(Events events) {
    NetmapModel model = new NetmapModel();
    Actor system = Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("test").build();
    byte[] key = new byte[32];
    key[0] = 7;
    model.apply(
        events
            .draft(
                TAILNET,
                NODE,
                system,
                NodeRegistered.newBuilder()
                    .setNodeId(NODE)
                    .setMachineKey(ByteString.copyFrom(key))
                    .setNodeKey(ByteString.copyFrom(key))
                    .setName("moving")
                    .setHostname("moving")
                    .setUserId("u1")
                    .setApproved(true)
                    .build())
            .build());
    model.apply(
        events
            .draft(
                TAILNET,
                NODE,
                system,
                AddressAllocated.newBuilder()
                    .setNodeId(NODE)
                    .setIpv4("100.64.0.7")
                    .setIpv6("fd7a:115c:a1e0::7")
                    .build())
            .build());
    return model;
  }
}
