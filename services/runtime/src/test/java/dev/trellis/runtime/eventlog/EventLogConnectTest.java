package dev.trellis.runtime.eventlog;

import static dev.trellis.runtime.eventlog.TestBroker.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.StringValue;
import dev.trellis.kafka.embedded.EmbeddedKafka;
import dev.trellis.kafka.embedded.EmbeddedKafkaOptions;
import dev.trellis.testkit.port.FreePorts;
import dev.trellis.testkit.tag.IntegrationTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connecting while Kafka is unreachable, a broker that starts late, and a broker restart. */
@IntegrationTest
class EventLogConnectTest {
  @TempDir Path dir;
  private Vertx vertx;

  @BeforeEach
  void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  @Test
  void unreachableKafkaFailsAfterTheDeadlineNamingTheAddress() throws Exception {
    String nowhere = "127.0.0.1:" + FreePorts.tcp("127.0.0.1");
    long t0 = System.nanoTime();
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () ->
                await(
                    EventLog.connect(
                        vertx,
                        EventLogOptions.of(nowhere, "connect-test")
                            .withConnectDeadline(Duration.ofSeconds(2)))));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(
        e.getCause().getMessage().contains("Kafka at " + nowhere + " unreachable"), e.toString());
    assertTrue(ms >= 1_900 && ms < 15_000, "gave up after the deadline, took " + ms + " ms");
  }

  @Test
  void aBrokerThatStartsLateIsReachedAndARestartKeepsEvents() throws Exception {
    int port = FreePorts.tcp("127.0.0.1");
    int controllerPort = FreePorts.tcp("127.0.0.1");
    EmbeddedKafkaOptions opts =
        EmbeddedKafkaOptions.of(dir).withClientPort(port).withControllerPort(controllerPort);
    Future<EventLog> connecting =
        EventLog.connect(
            vertx,
            EventLogOptions.of("127.0.0.1:" + port, "late-test")
                .withConnectDeadline(Duration.ofSeconds(60))
                .withPartitions(1));
    Thread.sleep(1_500);
    assertTrue(!connecting.isComplete(), "still retrying while nothing listens");
    EmbeddedKafka kafka = new EmbeddedKafka(opts);
    kafka.start();
    EventLog log = await(connecting);
    Events events = new Events(Clock.systemUTC());
    try {
      await(log.ensureTopics(List.of("late")));
      for (int i = 0; i < 5; i++) {
        await(
            log.append(
                "late",
                events.draft("tn", "a", TestBroker.SYSTEM, StringValue.of("v" + i)).build()));
      }
      kafka.close();
      kafka = new EmbeddedKafka(opts);
      kafka.start();
      List<String> got = new ArrayList<>();
      ReplayResult r =
          await(
              log.replay(
                  "late",
                  ReplayStart.beginning(),
                  e -> {
                    got.add(
                        Events.payload(e.envelope(), StringValue.getDefaultInstance()).getValue());
                    return Future.succeededFuture();
                  }));
      assertEquals(List.of("v0", "v1", "v2", "v3", "v4"), got);
      assertEquals(5, r.handled());
      // The producer reconnects to the restarted broker too.
      await(
          log.append(
              "late", events.draft("tn", "a", TestBroker.SYSTEM, StringValue.of("v5")).build()));
    } finally {
      CompletableFuture.runAsync(log::close).get();
      kafka.close();
    }
  }
}
