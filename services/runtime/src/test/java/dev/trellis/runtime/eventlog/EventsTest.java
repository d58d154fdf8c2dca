package dev.trellis.runtime.eventlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import dev.trellis.proto.event.v1.EventEnvelope;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventsTest {
  private final Instant now = Instant.parse("2026-11-24T10:15:30.123456789Z");
  private final Events events = new Events(Clock.fixed(now, ZoneOffset.UTC));

  @Test
  void buildsAnEnvelopeFromThePayloadAndTheInjectedClock() {
    EventEnvelope e =
        events
            .draft("tn-1", "node-7", TestBroker.SYSTEM, StringValue.of("x"))
            .causationId("cause")
            .correlationId("corr")
            .subject("node laptop")
            .schemaVersion(2)
            .build();
    UUID.fromString(e.getEventId());
    assertEquals("google.protobuf.StringValue", e.getType());
    assertEquals(2, e.getSchemaVersion());
    assertEquals("tn-1", e.getTailnetId());
    assertEquals("node-7", e.getAggregateId());
    assertEquals(now, Events.time(e));
    assertEquals("cause", e.getCausationId());
    assertEquals("corr", e.getCorrelationId());
    assertEquals("node laptop", e.getSubject());
    assertEquals(TestBroker.SYSTEM, e.getActor());
    assertEquals("x", Events.payload(e, StringValue.getDefaultInstance()).getValue());
    assertNotEquals(
        e.getEventId(),
        events.draft("tn-1", "n", TestBroker.SYSTEM, StringValue.of("x")).build().getEventId());
  }

  @Test
  void payloadOfTheWrongTypeIsUnreadable() {
    EventEnvelope e = events.draft("tn", "a", TestBroker.SYSTEM, StringValue.of("x")).build();
    assertThrows(
        UnreadableEventException.class, () -> Events.payload(e, Int64Value.getDefaultInstance()));
    assertThrows(
        IllegalArgumentException.class,
        () -> events.draft(" ", "a", TestBroker.SYSTEM, StringValue.of("x")));
  }
}
