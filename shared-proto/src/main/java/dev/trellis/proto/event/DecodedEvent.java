package dev.trellis.proto.event;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;

/**
 * The result of decoding an envelope's payload by its type name: the parsed event, an unknown type
 * (written by a newer producer), or a payload that does not parse. Decoding never throws for bad
 * input; callers switch over the three cases.
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface DecodedEvent {

  /** The envelope's type name, as found in the envelope. */
  String typeName();

  /** A registered type whose payload parsed. */
  record Known(EventType type, Message event) implements DecodedEvent {
    @Override
    public String typeName() {
      return type.name();
    }
  }

  /** A type name this reader does not know (a newer event, or garbage); the payload is kept. */
  record Unknown(String typeName, ByteString payload) implements DecodedEvent {}

  /** A registered type whose payload is not a valid serialized message of that type. */
  record Malformed(String typeName, ByteString payload, String reason) implements DecodedEvent {}
}
