package dev.trellis.runtime.eventlog;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.trellis.proto.event.v1.EventEnvelope;

/**
 * Decodes a record value into an {@link EventEnvelope}, rejecting bytes that are not one: not
 * protobuf, or missing the fields every envelope has (event id, type, tailnet). Stateless and
 * thread-safe.
 */
final class EnvelopeDecoder {
  private EnvelopeDecoder() {}

  /**
   * Returns the envelope in {@code value}.
   *
   * @throws UnreadableEventException naming what is wrong; never any other exception
   */
  static EventEnvelope decode(byte[] value) {
    if (value == null) {
      throw new UnreadableEventException("record has no value");
    }
    EventEnvelope envelope;
    try {
      envelope = EventEnvelope.parseFrom(value);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new UnreadableEventException(
          "not an EventEnvelope (" + value.length + " bytes): " + e.getMessage(), e);
    }
    if (envelope.getEventId().isEmpty()) {
      throw new UnreadableEventException("envelope without event_id (" + value.length + " bytes)");
    }
    if (envelope.getType().isEmpty()) {
      throw new UnreadableEventException("envelope " + envelope.getEventId() + " without type");
    }
    if (envelope.getTailnetId().isEmpty()) {
      throw new UnreadableEventException(
          "envelope " + envelope.getEventId() + " without tailnet_id");
    }
    return envelope;
  }
}
