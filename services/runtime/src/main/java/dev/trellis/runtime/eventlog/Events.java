package dev.trellis.runtime.eventlog;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.Timestamp;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.EventEnvelope;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds {@link EventEnvelope}s: a fresh UUID event id, the payload's full message name as type,
 * the time from an injected {@link Clock}, and the caller's tailnet, aggregate, actor, causation,
 * correlation and subject. Also unpacks payloads with a type check.
 *
 * <p>Thread-safe (immutable; the clock must be thread-safe, as the JDK's are).
 */
public final class Events {
  private final Clock clock;

  public Events(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Now, by the clock drafts are stamped with. */
  public Instant now() {
    return clock.instant();
  }

  /** Starts an envelope for {@code payload} in {@code tailnetId} about {@code aggregateId}. */
  public Draft draft(String tailnetId, String aggregateId, Actor actor, Message payload) {
    return new Draft(tailnetId, aggregateId, actor, payload);
  }

  /**
   * Parses the payload of {@code envelope} as {@code expected} (e.g. {@code
   * TailnetCreated.getDefaultInstance()}), checking the envelope's type names that message.
   *
   * @throws UnreadableEventException if the type differs or the payload does not parse; a handler
   *     that lets it escape has the event skipped (logged), not retried
   */
  public static <T extends Message> T payload(EventEnvelope envelope, T expected) {
    String want = expected.getDescriptorForType().getFullName();
    if (!want.equals(envelope.getType())) {
      throw new UnreadableEventException(
          "event " + envelope.getEventId() + " has type " + envelope.getType() + ", not " + want);
    }
    @SuppressWarnings("unchecked")
    Parser<T> parser = (Parser<T>) expected.getParserForType();
    try {
      return parser.parseFrom(envelope.getPayload());
    } catch (InvalidProtocolBufferException e) {
      throw new UnreadableEventException(
          "event " + envelope.getEventId() + ": payload is not a " + want, e);
    }
  }

  /** Converts an envelope's time to an {@link Instant}. */
  public static Instant time(EventEnvelope envelope) {
    Timestamp t = envelope.getTime();
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** An envelope being built; not thread-safe (use from one thread, then {@link #build()}). */
  public final class Draft {
    private final String tailnetId;
    private final String aggregateId;
    private final Actor actor;
    private final Message payload;
    private int schemaVersion = 1;
    private String causationId = "";
    private String correlationId = "";
    private String subject = "";

    private Draft(String tailnetId, String aggregateId, Actor actor, Message payload) {
      this.tailnetId = requireText(tailnetId, "tailnetId");
      this.aggregateId = Objects.requireNonNull(aggregateId, "aggregateId");
      this.actor = Objects.requireNonNull(actor, "actor");
      this.payload = Objects.requireNonNull(payload, "payload");
    }

    public Draft schemaVersion(int version) {
      if (version < 1) {
        throw new IllegalArgumentException("schema version must be >= 1, got " + version);
      }
      this.schemaVersion = version;
      return this;
    }

    /** The event id of the event or command that caused this one. */
    public Draft causationId(String id) {
      this.causationId = Objects.requireNonNull(id, "causationId");
      return this;
    }

    /** Shared by every event of one user-visible operation. */
    public Draft correlationId(String id) {
      this.correlationId = Objects.requireNonNull(id, "correlationId");
      return this;
    }

    /** One-line human summary for audit output; never secrets. */
    public Draft subject(String text) {
      this.subject = Objects.requireNonNull(text, "subject");
      return this;
    }

    /** Builds the envelope with a new event id and the clock's current time. */
    public EventEnvelope build() {
      Instant now = clock.instant();
      return EventEnvelope.newBuilder()
          .setEventId(UUID.randomUUID().toString())
          .setType(payload.getDescriptorForType().getFullName())
          .setSchemaVersion(schemaVersion)
          .setTailnetId(tailnetId)
          .setAggregateId(aggregateId)
          .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
          .setActor(actor)
          .setCausationId(causationId)
          .setCorrelationId(correlationId)
          .setPayload(payload.toByteString())
          .setSubject(subject)
          .build();
    }
  }

  private static String requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " is blank");
    }
    return value;
  }
}
