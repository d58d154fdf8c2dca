package dev.trellis.runtime.eventlog;

import dev.trellis.proto.event.v1.EventEnvelope;
import java.util.Objects;

/**
 * One event as read from the log: where it sits (topic, partition, offset) and its envelope.
 * Immutable and thread-safe.
 */
public record LoggedEvent(String topic, int partition, long offset, EventEnvelope envelope) {
  public LoggedEvent {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(envelope, "envelope");
  }

  /** The envelope's event id, by which consumers are idempotent. */
  public String eventId() {
    return envelope.getEventId();
  }
}
