package dev.trellis.proto.event;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.trellis.proto.event.v1.EventEnvelope;
import java.util.Base64;

/**
 * Prints an event envelope with its decoded payload as one line of JSON, for audit output ({@code
 * trellis-admin audit --json}) and debugging. Field names are the protobuf names (snake_case);
 * bytes (public keys) print as base64; timestamps as RFC 3339.
 *
 * <p>Output shape: the envelope's fields, with {@code payload} replaced by the decoded event as a
 * JSON object. When the type is unknown, the payload does not parse, or it holds a timestamp or
 * duration outside the valid range, {@code payload} is the raw payload in base64 and {@code
 * payload_error} says why; an envelope whose own time is out of range prints without it and with
 * {@code envelope_error}. Printing never throws for bad input.
 *
 * <p>Thread-safety: stateless; safe from any thread.
 */
public final class EventJson {

  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer()
          .usingTypeRegistry(EventTypes.typeRegistry())
          .preservingProtoFieldNames()
          .omittingInsignificantWhitespace();

  private EventJson() {}

  /** One line of JSON for the envelope and its decoded payload; never throws for bad input. */
  public static String print(EventEnvelope envelope) {
    EventEnvelope.Builder bare = envelope.toBuilder().clearPayload();
    String head = tryPrint(bare);
    String envelopeError = null;
    if (head == null) {
      // Only a well-known type out of its valid range can fail: the envelope's time.
      head = printOrThrow(bare.clearTime());
      envelopeError = "envelope time out of range";
    }
    String payloadJson = null;
    String error = null;
    switch (EventTypes.decode(envelope)) {
      case DecodedEvent.Known known -> {
        payloadJson = tryPrint(known.event());
        if (payloadJson == null) {
          error = "unprintable payload (a timestamp or duration out of range)";
        }
      }
      case DecodedEvent.Unknown unknown -> error = "unknown event type";
      case DecodedEvent.Malformed malformed -> error = "malformed payload: " + malformed.reason();
    }
    if (payloadJson == null) {
      payloadJson =
          jsonString(Base64.getEncoder().encodeToString(envelope.getPayload().toByteArray()));
    }
    StringBuilder out = new StringBuilder(head.length() + payloadJson.length() + 64);
    out.append(head, 0, head.length() - 1); // drop the closing brace
    if (head.length() > 2) {
      out.append(',');
    }
    out.append("\"payload\":").append(payloadJson);
    if (error != null) {
      out.append(",\"payload_error\":").append(jsonString(error));
    }
    if (envelopeError != null) {
      out.append(",\"envelope_error\":").append(jsonString(envelopeError));
    }
    return out.append('}').toString();
  }

  /** JSON of the message, or null if JsonFormat refuses it (out-of-range well-known types). */
  private static String tryPrint(MessageOrBuilder m) {
    try {
      return PRINTER.print(m);
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      return null;
    }
  }

  private static String jsonString(String s) {
    return printOrThrow(Value.newBuilder().setStringValue(s));
  }

  private static String printOrThrow(MessageOrBuilder m) {
    try {
      return PRINTER.print(m);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields and well-known types can fail; a time-less envelope and Value have none.
      throw new IllegalStateException("cannot print " + m.getDescriptorForType().getName(), e);
    }
  }
}
