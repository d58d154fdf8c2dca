package dev.trellis.runtime.projection;

import static dev.trellis.runtime.eventlog.TestBroker.SYSTEM;
import static dev.trellis.runtime.eventlog.TestBroker.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.StringValue;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.EventLogOptions;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.TestBroker;
import dev.trellis.testkit.tag.IntegrationTest;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Projections against a real embedded broker and real Hazelcast members. */
@IntegrationTest
class ProjectionTest {
  private static final Events EVENTS = new Events(Clock.systemUTC());
  private static TestBroker broker;
  private static Vertx vertx;
  private static EventLog log;
  private static TestHazelcast cluster;
  private static HazelcastInstance member;

  @BeforeAll
  static void start() throws Exception {
    broker = new TestBroker();
    vertx = Vertx.vertx();
    log =
        await(
            EventLog.connect(
                vertx, EventLogOptions.of(broker.bootstrap(), "projection-a").withPartitions(4)));
    cluster = new TestHazelcast();
    member = cluster.member();
  }

  @AfterAll
  static void stop() throws Exception {
    log.close();
    member.shutdown();
    await(vertx.close());
    broker.close();
  }

  private static EventEnvelope cmd(String tailnet, String command) {
    return EVENTS.draft(tailnet, "n", SYSTEM, StringValue.of(command)).build();
  }

  private static void appendAll(String topic, EventEnvelope... events) throws Exception {
    for (EventEnvelope e : events) {
      await(log.append(topic, e));
    }
  }

  private static void appendGarbage(String topic) throws Exception {
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(
            Map.of(
                "bootstrap.servers", broker.bootstrap(),
                "key.serializer", StringSerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName()))) {
      raw.send(new ProducerRecord<>(topic, "tn-a", "not protobuf at all".getBytes())).get();
    }
  }

  private static Map<String, Long> counts(HazelcastInstance hz, String projection) {
    IMap<String, Long> m = ProjectionMaps.live(hz, projection).map("counts");
    return new TreeMap<>(m);
  }

  @Test
  void liveMapsFollowTheLogOnceEachAndVerifyNamesEveryTamperedKey() throws Exception {
    String topic = "nodes-1";
    await(log.ensureTopics(List.of(topic)));
    EventEnvelope first = cmd("tn-a", "add:n1");
    appendAll(topic, first, cmd("tn-a", "add:n2"), cmd("tn-b", "add:n1"), first);
    appendGarbage(topic);
    appendAll(topic, cmd("tn-a", "remove:n2"));

    NodeSetProjection p = new NodeSetProjection("nodeset-one", topic);
    ProjectionRunner runner = ProjectionRunner.start(vertx, log, member, List.of(p));
    try {
      await(runner.awaitCaughtUp());
      assertEquals(Map.of("tn-a", 1L, "tn-b", 1L), counts(member, p.name()));
      assertEquals(4, p.applied.get(), "the duplicate event id is applied once");

      // Read-your-writes: after awaitCaughtUp the append is visible.
      appendAll(topic, cmd("tn-c", "add:n9"));
      await(runner.awaitCaughtUp());
      assertEquals(1L, counts(member, p.name()).get("tn-c"));

      ProjectionVerifier verifier = new ProjectionVerifier(vertx, log, member);
      VerifyReport ok = await(verifier.verify(List.of(p)));
      assertTrue(ok.consistent(), ok.differences().toString());
      assertEquals(6, ok.eventsReplayed(), "6 readable events (the duplicate is one of them)");
      assertEquals(2, ok.mapsCompared());

      IMap<String, Long> liveCounts = ProjectionMaps.live(member, p.name()).map("counts");
      IMap<String, byte[]> liveNodes = ProjectionMaps.live(member, p.name()).map("nodes");
      liveCounts.set("tn-a", 42L);
      liveNodes.remove("tn-b/n1");
      liveNodes.set("tn-z/ghost", "x".getBytes(StandardCharsets.UTF_8));
      VerifyReport bad = await(verifier.verify(List.of(p)));
      Map<String, Difference> byKey =
          bad.differences().stream()
              .collect(Collectors.toMap(d -> d.map() + ":" + d.key(), d -> d));
      assertEquals(Set.of("counts:tn-a", "nodes:tn-b/n1", "nodes:tn-z/ghost"), byKey.keySet());
      assertEquals("42", byKey.get("counts:tn-a").live());
      assertEquals("1", byKey.get("counts:tn-a").rebuilt());
      assertEquals("absent", byKey.get("nodes:tn-b/n1").live());
      assertTrue(byKey.get("nodes:tn-b/n1").rebuilt().contains("bytes sha256:"));
      assertEquals("absent", byKey.get("nodes:tn-z/ghost").rebuilt());
    } finally {
      await(runner.stop());
    }
    assertTrue(
        member.getDistributedObjects().stream().noneMatch(o -> o.getName().startsWith("verify-")),
        "rebuilt maps destroyed");
  }

  @Test
  void twoInstancesShareTheWorkAndTheStateAndApplyEachEventOnce() throws Exception {
    String topic = "nodes-2";
    await(log.ensureTopics(List.of(topic)));
    HazelcastInstance second = cluster.member();
    EventLog log2 =
        await(EventLog.connect(vertx, EventLogOptions.of(broker.bootstrap(), "projection-b")));
    NodeSetProjection p1 = new NodeSetProjection("nodeset-two", topic);
    NodeSetProjection p2 = new NodeSetProjection("nodeset-two", topic);
    ProjectionRunner r1 = ProjectionRunner.start(vertx, log, member, List.of(p1));
    ProjectionRunner r2 = ProjectionRunner.start(vertx, log2, second, List.of(p2));
    try {
      Map<String, Long> expected = new HashMap<>();
      for (int i = 0; i < 48; i++) {
        String tn = "tn-" + (i % 8);
        await(log.append(topic, cmd(tn, "add:n" + i)));
        expected.merge(tn, 1L, Long::sum);
      }
      await(r2.awaitCaughtUp());
      assertEquals(new TreeMap<>(expected), counts(second, "nodeset-two"));
      assertEquals(new TreeMap<>(expected), counts(member, "nodeset-two"));
      assertEquals(48, p1.applied.get() + p2.applied.get(), "each event applied exactly once");
      VerifyReport report = await(new ProjectionVerifier(vertx, log2, second).verify(List.of(p2)));
      assertTrue(report.consistent(), report.differences().toString());
    } finally {
      await(r1.stop());
      await(r2.stop());
      log2.close();
      second.shutdown();
    }
  }

  @Test
  void lostHazelcastStateIsRebuiltByReplayFromTheBeginning() throws Exception {
    String topic = "nodes-3";
    await(log.ensureTopics(List.of(topic)));
    appendAll(
        topic,
        cmd("tn-a", "add:x"),
        cmd("tn-a", "add:y"),
        cmd("tn-b", "add:x"),
        cmd("tn-a", "remove:x"));
    NodeSetProjection p = new NodeSetProjection("nodeset-three", topic);
    ProjectionRunner runner = ProjectionRunner.start(vertx, log, member, List.of(p));
    await(runner.awaitCaughtUp());
    await(runner.stop());
    Map<String, Long> before = counts(member, p.name());
    Map<String, String> nodesBefore = nodes(member, p.name());
    assertEquals(Map.of("tn-a", 1L, "tn-b", 1L), before);

    // A fresh cluster: state and positions are gone, Kafka's committed offsets are not.
    HazelcastInstance fresh = new TestHazelcast().member();
    try {
      assertNull(counts(fresh, p.name()).get("tn-a"));
      ProjectionRunner again = ProjectionRunner.start(vertx, log, fresh, List.of(p));
      try {
        await(again.awaitCaughtUp());
        assertEquals(before, counts(fresh, p.name()));
        assertEquals(nodesBefore, nodes(fresh, p.name()));
      } finally {
        await(again.stop());
      }
    } finally {
      fresh.shutdown();
    }
  }

  private static Map<String, String> nodes(HazelcastInstance hz, String projection) {
    IMap<String, byte[]> m = ProjectionMaps.live(hz, projection).map("nodes");
    Map<String, String> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, new String(v, StandardCharsets.UTF_8)));
    return out;
  }
}
