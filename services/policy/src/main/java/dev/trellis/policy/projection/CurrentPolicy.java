package dev.trellis.policy.projection;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.PolicyUpdated;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.UnreadableEventException;
import java.time.Instant;

/**
 * One tailnet's current policy as stored in {@link PolicyProjection#CURRENT}: the accepted update
 * and who made it when.
 *
 * @param update the PolicyUpdated payload (full text, version, sha256)
 * @param updatedAt when it was accepted (the event's time)
 * @param updatedBy who made the edit
 *     <p>Thread-safety: immutable.
 */
public record CurrentPolicy(PolicyUpdated update, Instant updatedAt, Actor updatedBy) {
  /** Reads a stored value; an unreadable one is a bug or corruption and throws. */
  public static CurrentPolicy parse(byte[] raw) {
    try {
      EventEnvelope e = EventEnvelope.parseFrom(raw);
      return new CurrentPolicy(
          Events.payload(e, PolicyUpdated.getDefaultInstance()), Events.time(e), e.getActor());
    } catch (InvalidProtocolBufferException e) {
      throw new UnreadableEventException("stored policy is unreadable", e);
    }
  }
}
