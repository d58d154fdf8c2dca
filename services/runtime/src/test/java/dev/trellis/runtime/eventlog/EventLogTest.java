package dev.trellis.runtime.eventlog;

import static dev.trellis.runtime.eventlog.TestBroker.SYSTEM;
import static dev.trellis.runtime.eventlog.TestBroker.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.StringValue;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.testkit.tag.IntegrationTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The event log against a real embedded broker (one per class). */
@IntegrationTest
class EventLogTest {
  private static TestBroker broker;
  private static Vertx vertx;
  private static EventLog log;
  private static final Events EVENTS = new Events(Clock.systemUTC());
  private static final AtomicInteger TOPICS = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    broker = new TestBroker();
    vertx = Vertx.vertx();
    log =
        await(
            EventLog.connect(
                vertx, EventLogOptions.of(broker.bootstrap(), "eventlog-test").withPartitions(3)));
  }

  @AfterAll
  static void stop() throws Exception {
    log.close();
    await(vertx.close());
    broker.close();
  }

  private static String newTopic() throws Exception {
    String t = "test-" + TOPICS.incrementAndGet();
    await(log.ensureTopics(List.of(t)));
    return t;
  }

  static EventEnvelope event(String tailnet, String text) {
    return EVENTS.draft(tailnet, "agg-" + text, SYSTEM, StringValue.of(text)).build();
  }

  private static String text(LoggedEvent e) {
    return Events.payload(e.envelope(), StringValue.getDefaultInstance()).getValue();
  }

  private static void eventually(Duration timeout, Runnable check) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(25);
      }
    }
  }

  @Test
  void appendedEventsReachASubscriberInOrderPerTailnet() throws Exception {
    String topic = newTopic();
    List<String> tailnets = List.of("tn-a", "tn-b", "tn-c", "tn-d");
    Map<String, List<String>> sent = new HashMap<>();
    List<Future<Appended>> appends = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String tn = tailnets.get(i % tailnets.size());
      String text = tn + "#" + i;
      sent.computeIfAbsent(tn, k -> new ArrayList<>()).add(text);
      appends.add(log.append(topic, event(tn, text)));
    }
    for (Future<Appended> f : appends) {
      Appended a = await(f);
      assertEquals(topic, a.topic());
      assertTrue(a.offset() >= 0);
    }
    Map<String, List<String>> got = Collections.synchronizedMap(new HashMap<>());
    Subscription sub =
        log.subscribe(
            "order-group",
            List.of(topic),
            e -> {
              got.computeIfAbsent(e.envelope().getTailnetId(), k -> new CopyOnWriteArrayList<>())
                  .add(text(e));
              return Future.succeededFuture();
            });
    try {
      eventually(Duration.ofSeconds(20), () -> assertEquals(sent, new HashMap<>(got)));
    } finally {
      await(sub.stop());
    }
  }

  @Test
  void aGroupResumesAfterItsCommittedOffsetsAndAFailedHandlerIsRetried() throws Exception {
    String topic = newTopic();
    await(log.append(topic, event("tn", "one")));
    List<String> got = new CopyOnWriteArrayList<>();
    AtomicInteger failuresLeft = new AtomicInteger(2);
    EventHandler flaky =
        e -> {
          if (text(e).equals("one") && failuresLeft.getAndDecrement() > 0) {
            return Future.failedFuture(new RuntimeException("transient"));
          }
          got.add(text(e));
          return Future.succeededFuture();
        };
    Subscription first = log.subscribe("resume-group", List.of(topic), flaky);
    eventually(Duration.ofSeconds(20), () -> assertEquals(List.of("one"), got));
    await(first.stop());
    assertEquals(-1, failuresLeft.get(), "failed twice, then handled");

    await(log.append(topic, event("tn", "two")));
    Subscription second =
        log.subscribe(
            "resume-group",
            List.of(topic),
            e -> {
              got.add(text(e));
              return Future.succeededFuture();
            });
    try {
      eventually(Duration.ofSeconds(20), () -> assertEquals(List.of("one", "two"), got));
      Thread.sleep(300);
      assertEquals(List.of("one", "two"), got, "nothing handled twice after a clean stop");
    } finally {
      await(second.stop());
    }
  }

  @Test
  void aConsumersLagIsAGaugeThatFallsToZeroOnceItCatchesUp() throws Exception {
    String topic = newTopic();
    for (int i = 0; i < 10; i++) {
      await(log.append(topic, event("tn-lag", "e" + i)));
    }
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    log.bindMetrics(metrics);
    AtomicBoolean stuck = new AtomicBoolean(true);
    List<String> got = new CopyOnWriteArrayList<>();
    Subscription sub =
        log.subscribe(
            "lag-group",
            List.of(topic),
            e -> {
              if (stuck.get()) {
                return Future.failedFuture(new RuntimeException("downstream unavailable"));
              }
              got.add(text(e));
              return Future.succeededFuture();
            });
    try {
      eventually(
          Duration.ofSeconds(20),
          () -> assertEquals(10.0, lag(metrics, "lag-group"), "ten events behind while stuck"));
      stuck.set(false);
      eventually(Duration.ofSeconds(30), () -> assertEquals(10, got.size()));
      eventually(
          Duration.ofSeconds(10), () -> assertEquals(0.0, lag(metrics, "lag-group"), "caught up"));
    } finally {
      await(sub.stop());
    }
    eventually(
        Duration.ofSeconds(5),
        () ->
            assertEquals(
                null,
                metrics.find("trellis.eventlog.consumer.lag").tag("consumer", "lag-group").gauge(),
                "a stopped consumer's gauge is removed"));
  }

  private static double lag(SimpleMeterRegistry metrics, String consumer) {
    var g = metrics.find("trellis.eventlog.consumer.lag").tag("consumer", consumer).gauge();
    assertTrue(g != null, "no lag gauge for " + consumer);
    return g.value();
  }

  @Test
  void garbageRecordsAndUnreadablePayloadsAreSkippedNotStalling() throws Exception {
    String topic = newTopic();
    await(log.append(topic, event("tn", "before")));
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(
            Map.of(
                "bootstrap.servers", broker.bootstrap(),
                "key.serializer", StringSerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName()))) {
      raw.send(new ProducerRecord<>(topic, "tn", new byte[] {(byte) 0xff, 0x13, 0x37, 0x00})).get();
      raw.send(new ProducerRecord<>(topic, "tn", new byte[0])).get();
      raw.send(new ProducerRecord<>(topic, "tn", null)).get();
    }
    EventEnvelope badPayload =
        event("tn", "x").toBuilder()
            .setPayload(ByteString.copyFrom(new byte[] {0x0a, 0x7f}))
            .build();
    await(log.append(topic, badPayload));
    await(log.append(topic, event("tn", "after")));

    List<String> got = new CopyOnWriteArrayList<>();
    List<Long> skippedOffsets = new CopyOnWriteArrayList<>();
    EventHandler handler =
        new EventHandler() {
          @Override
          public Future<Void> handle(LoggedEvent e) {
            got.add(text(e)); // throws UnreadableEventException for the bad payload
            return Future.succeededFuture();
          }

          @Override
          public Future<Void> skipped(String t, int partition, long offset, String reason) {
            skippedOffsets.add(offset);
            return Future.succeededFuture();
          }
        };
    ReplayResult r = await(log.replay(topic, ReplayStart.beginning(), handler));
    assertEquals(List.of("before", "after"), got);
    assertEquals(2, r.handled());
    assertEquals(4, r.skipped());
    assertEquals(List.of(1L, 2L, 3L, 4L), skippedOffsets);

    List<String> viaGroup = new CopyOnWriteArrayList<>();
    Subscription sub =
        log.subscribe(
            "garbage-group",
            List.of(topic),
            e -> {
              viaGroup.add(text(e));
              return Future.succeededFuture();
            });
    try {
      eventually(Duration.ofSeconds(20), () -> assertEquals(List.of("before", "after"), viaGroup));
    } finally {
      await(sub.stop());
    }
  }

  @Test
  void replayFromBeginningOffsetAndTimeStopsAtTheEndCapturedAtStart() throws Exception {
    String topic = newTopic();
    List<Appended> at = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      at.add(await(log.append(topic, event("tn", "e" + i))));
    }
    Thread.sleep(20);
    Instant middle = Instant.now();
    Thread.sleep(20);
    for (int i = 5; i < 10; i++) {
      at.add(await(log.append(topic, event("tn", "e" + i))));
    }
    int partition = at.getFirst().partition();

    List<String> all = new ArrayList<>();
    ReplayResult r = await(log.replay(topic, ReplayStart.beginning(), collect(all)));
    assertEquals(10, r.handled());
    assertEquals(List.of("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"), all);
    assertEquals(at.getLast().offset() + 1, r.endOffsets().get(partition));

    List<String> fromOffset = new ArrayList<>();
    await(
        log.replay(
            topic,
            ReplayStart.atOffsets(Map.of(partition, at.get(7).offset())),
            collect(fromOffset)));
    assertEquals(List.of("e7", "e8", "e9"), fromOffset);

    List<String> fromTime = new ArrayList<>();
    await(log.replay(topic, ReplayStart.atTime(middle), collect(fromTime)));
    assertEquals(List.of("e5", "e6", "e7", "e8", "e9"), fromTime);

    List<String> future = new ArrayList<>();
    ReplayResult none =
        await(
            log.replay(topic, ReplayStart.atTime(Instant.now().plusSeconds(60)), collect(future)));
    assertEquals(0, none.handled());
  }

  @Test
  void replayOfAMissingTopicFailsClearly() {
    Exception e =
        org.junit.jupiter.api.Assertions.assertThrows(
            Exception.class,
            () ->
                await(
                    log.replay(
                        "no-such-topic", ReplayStart.beginning(), collect(new ArrayList<>()))));
    assertTrue(String.valueOf(e.getMessage()).contains("no-such-topic"), e.toString());
  }

  @Test
  void followDeliversHistoryThenNewEvents() throws Exception {
    String topic = newTopic();
    await(log.append(topic, event("tn", "old")));
    List<String> got = new CopyOnWriteArrayList<>();
    Subscription follow = log.follow(topic, ReplayStart.beginning(), collect(got));
    try {
      eventually(Duration.ofSeconds(20), () -> assertEquals(List.of("old"), got));
      await(log.append(topic, event("tn", "new")));
      eventually(Duration.ofSeconds(20), () -> assertEquals(List.of("old", "new"), got));
    } finally {
      await(follow.stop());
    }
    assertTrue(follow.terminated().succeeded());
  }

  @Test
  void deduplicatingHandlerHandlesARedeliveredEventIdOnce() throws Exception {
    String topic = newTopic();
    EventEnvelope once = event("tn", "dup");
    await(log.append(topic, once));
    await(log.append(topic, once)); // e.g. an application-level retry after a timeout
    await(log.append(topic, event("tn", "other")));
    List<String> got = new ArrayList<>();
    ReplayResult r =
        await(
            log.replay(topic, ReplayStart.beginning(), new DeduplicatingHandler(collect(got), 16)));
    assertEquals(3, r.handled());
    assertEquals(List.of("dup", "other"), got);
  }

  private static EventHandler collect(List<String> into) {
    return e -> {
      into.add(text(e));
      return Future.succeededFuture();
    };
  }
}
