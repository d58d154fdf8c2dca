package dev.trellis.relay.fleet;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.RelayInstanceStarted;
import dev.trellis.proto.event.v1.RelayInstanceStopped;
import dev.trellis.runtime.eventlog.EventLog;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Appends the relay fleet's events to {@code trellis.relay}: an instance started (with where and
 * how to reach it and its TLS pin) or stopped. They concern no tailnet; since the event log keys
 * records by tailnet id and refuses an empty one, they carry the placeholder {@link #FLEET_KEY}
 * (readers ignore the tailnet id of relay events). The aggregate id is the instance id.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class FleetEvents {
  /** The tailnet-id placeholder (Kafka key) of relay events. */
  public static final String FLEET_KEY = "relay-fleet";

  /** The actor of relay events. */
  public static final Actor ACTOR =
      Actor.newBuilder()
          .setKind(Actor.Kind.SYSTEM)
          .setId("service:relay")
          .setDisplay("relay")
          .build();

  private final EventLog log;
  private final Clock clock;

  public FleetEvents(EventLog log, Clock clock) {
    this.log = log;
    this.clock = clock;
  }

  /** Appends RelayInstanceStarted. */
  public Future<Void> started(RelayInstanceStarted started) {
    return append(
        started.getInstanceId(), started, "relay " + started.getInstanceId() + " started");
  }

  /** Appends RelayInstanceStopped. */
  public Future<Void> stopped(String instanceId, int regionId, String reason) {
    return append(
        instanceId,
        RelayInstanceStopped.newBuilder()
            .setInstanceId(instanceId)
            .setRegionId(regionId)
            .setReason(reason)
            .build(),
        "relay " + instanceId + " stopped: " + reason);
  }

  private Future<Void> append(String instanceId, Message payload, String subject) {
    Instant now = clock.instant();
    EventEnvelope e =
        EventEnvelope.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setType(payload.getDescriptorForType().getFullName())
            .setSchemaVersion(1)
            .setTailnetId(FLEET_KEY)
            .setAggregateId(instanceId)
            .setTime(
                Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
            .setActor(ACTOR)
            .setPayload(payload.toByteString())
            .setSubject(subject)
            .build();
    return log.append(Topics.RELAY, e).mapEmpty();
  }
}
