package dev.trellis.runtime.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.StringValue;
import com.hazelcast.core.HazelcastInstance;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.LoggedEvent;
import dev.trellis.runtime.eventlog.TestBroker;
import dev.trellis.testkit.tag.IntegrationTest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Redelivery and duplicate handling of one projection, against a real Hazelcast member. */
@IntegrationTest
class ApplierTest {
  private static HazelcastInstance hz;
  private final Events events = new Events(Clock.systemUTC());

  @BeforeAll
  static void start() {
    hz = new TestHazelcast().member();
  }

  @AfterAll
  static void stop() {
    hz.shutdown();
  }

  private LoggedEvent at(long offset, EventEnvelope e) {
    return new LoggedEvent("t", 2, offset, e);
  }

  @Test
  void aRedeliveredOffsetIsSkippedAndPositionsResumeAfterIt() {
    NodeSetProjection p = new NodeSetProjection("redelivery", "t");
    Applier a = new Applier(hz, "", p, Duration.ofMinutes(1));
    EventEnvelope e0 = events.draft("tn", "a", TestBroker.SYSTEM, StringValue.of("add:a")).build();
    EventEnvelope e1 = events.draft("tn", "a", TestBroker.SYSTEM, StringValue.of("add:b")).build();
    assertTrue(a.apply(at(0, e0)));
    assertTrue(a.apply(at(1, e1)));
    // A crash before Kafka's commit: the same records come again.
    assertFalse(a.apply(at(0, e0)));
    assertFalse(a.apply(at(1, e1)));
    assertEquals(2, p.applied.get());
    assertEquals(2, a.position("t", 2));
    TopicPartition tp = new TopicPartition("t", 2);
    TopicPartition other = new TopicPartition("t", 0);
    assertEquals(Map.of(tp, 2L, other, 0L), a.positions(Set.of(tp, other)));
  }

  @Test
  void aDuplicateEventIdAtALaterOffsetIsNotAppliedButMovesThePosition() {
    NodeSetProjection p = new NodeSetProjection("duplicates", "t");
    Applier a = new Applier(hz, "", p, Duration.ofMinutes(1));
    EventEnvelope e = events.draft("tn", "a", TestBroker.SYSTEM, StringValue.of("add:a")).build();
    assertTrue(a.apply(at(5, e)));
    assertFalse(a.apply(at(9, e)));
    assertEquals(1, p.applied.get());
    assertEquals(10, a.position("t", 2));
    a.skip("t", 2, 10);
    assertEquals(11, a.position("t", 2));
    a.skip("t", 2, 3); // an old skipped record never moves the position back
    assertEquals(11, a.position("t", 2));
  }

  @Test
  void namespacesKeepLiveAndRebuiltStateApart() {
    NodeSetProjection live = new NodeSetProjection("spaces", "t");
    NodeSetProjection rebuilt = new NodeSetProjection("spaces", "t");
    EventEnvelope e = events.draft("tn", "a", TestBroker.SYSTEM, StringValue.of("add:a")).build();
    assertTrue(new Applier(hz, "", live, Duration.ZERO).apply(at(0, e)));
    assertTrue(new Applier(hz, "verify-x.", rebuilt, Duration.ZERO).apply(at(0, e)));
    assertEquals(1L, hz.getMap("spaces.counts").get("tn"));
    assertEquals(1L, hz.getMap("verify-x.spaces.counts").get("tn"));
  }
}
