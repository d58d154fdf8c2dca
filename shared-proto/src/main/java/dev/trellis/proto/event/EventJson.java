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
 * JSON object. When the type is unknown or the payload does not parse, {@code payload} is the raw
 * payload in base64 and {@code payload_error} says why; printing never throws for bad input.
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

  /** One line of JSON for the envelope and its decoded payload. */
  public static String print(EventEnvelope envelope) {
    String head = printOrThrow(envelope.toBuilder().clearPayload());
    String payloadJson;
    String error = null;
    switch (EventTypes.decode(envelope)) {
      case DecodedEvent.Known known -> {
        String printed;
        try {
          printed = PRINTER.print(known.event());
        } catch (InvalidProtocolBufferException e) {
          printed = null;
          error = "unprintable: " + e.getMessage();
        }
        payloadJson = printed != null ? printed : base64(envelope);
      }
      case DecodedEvent.Unknown unknown -> {
        payloadJson = base64(envelope);
        error = "unknown event type";
      }
      case DecodedEvent.Malformed malformed -> {
        payloadJson = base64(envelope);
        error = "malformed payload: " + malformed.reason();
      }
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
    return out.append('}').toString();
  }

  private static String base64(EventEnvelope envelope) {
    return jsonString(Base64.getEncoder().encodeToString(envelope.getPayload().toByteArray()));
  }

  private static String jsonString(String s) {
    return printOrThrow(Value.newBuilder().setStringValue(s));
  }

  private static String printOrThrow(MessageOrBuilder m) {
    try {
      return PRINTER.print(m);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields with unregistered types can fail; the envelope and Value have none.
      throw new IllegalStateException("cannot print " + m.getDescriptorForType().getName(), e);
    }
  }
}
