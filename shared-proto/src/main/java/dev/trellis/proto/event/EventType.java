package dev.trellis.proto.event;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

/**
 * One registered domain event type: its protobuf message, the topic it is appended to, and how to
 * parse its payload. Obtain instances from {@link EventTypes}.
 *
 * @param name the fully qualified message name, the value of {@code EventEnvelope.type}, e.g.
 *     {@code "trellis.event.v1.TailnetCreated"}
 * @param topic the Kafka topic of its bounded context (one of {@link Topics#all()})
 * @param defaultInstance the message's default instance (for builders and reflection)
 *     <p>Thread-safety: immutable.
 */
public record EventType(String name, String topic, Message defaultInstance) {

  /** The message's descriptor. */
  public Descriptor descriptor() {
    return defaultInstance.getDescriptorForType();
  }

  /** The generated parser of the message. */
  public Parser<? extends Message> parser() {
    return defaultInstance.getParserForType();
  }

  /** The generated Java class of the message. */
  public Class<? extends Message> messageClass() {
    return defaultInstance.getClass();
  }
}
