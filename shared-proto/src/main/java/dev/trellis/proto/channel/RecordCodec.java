package dev.trellis.proto.channel;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.ServerMessage;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encodes and decodes the channel's records: one protobuf {@link ClientMessage} (device to
 * coordinator) or {@link ServerMessage} (coordinator to device) per record, sealed with a {@link
 * TransportCipher}. Bad records throw {@link ChannelException} with a reason (TOO_LARGE,
 * DECRYPT_FAILED, MALFORMED); a message with no kind set is valid here (a newer peer may send kinds
 * this build does not know) and is for the caller to ignore or refuse.
 *
 * <p>Thread-safety: stateless; the cipher's own doc applies.
 */
public final class RecordCodec {
  private RecordCodec() {}

  /** The device's next record carrying {@code message}. */
  public static byte[] seal(TransportCipher cipher, ClientMessage message) throws ChannelException {
    return cipher.seal(message.toByteArray());
  }

  /** The coordinator's next record carrying {@code message}. */
  public static byte[] seal(TransportCipher cipher, ServerMessage message) throws ChannelException {
    return cipher.seal(message.toByteArray());
  }

  /**
   * The coordinator's next record carrying a ServerMessage whose {@code map} is the MapResponse
   * serialized as {@code encodedMap}, without parsing or serializing it again.
   */
  public static byte[] sealMap(TransportCipher cipher, byte[] encodedMap) throws ChannelException {
    return sealMap(cipher, encodedMap, new byte[0]);
  }

  /**
   * As {@link #sealMap(TransportCipher, byte[])} for the MapResponse serialized as {@code body}
   * followed by {@code tail} (more of its fields, e.g. a per-device stamp after a frame many
   * devices share), sealed without joining the two first.
   */
  public static byte[] sealMap(TransportCipher cipher, byte[] body, byte[] tail)
      throws ChannelException {
    int length = body.length + tail.length;
    int field = ServerMessage.MAP_FIELD_NUMBER;
    byte[] head =
        new byte
            [CodedOutputStream.computeTagSize(field)
                + CodedOutputStream.computeUInt32SizeNoTag(length)];
    CodedOutputStream out = CodedOutputStream.newInstance(head);
    try {
      out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(length);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the array is exactly large enough
    }
    out.checkNoSpaceLeft();
    return cipher.sealParts(head, body, tail);
  }

  /** Opens a record from a device (the coordinator's side). */
  public static ClientMessage openClientMessage(TransportCipher cipher, byte[] record)
      throws ChannelException {
    byte[] plain = cipher.open(record);
    try {
      return ClientMessage.parseFrom(plain);
    } catch (InvalidProtocolBufferException e) {
      throw malformed("ClientMessage", e);
    }
  }

  /** Opens a record from the coordinator (the device's side). */
  public static ServerMessage openServerMessage(TransportCipher cipher, byte[] record)
      throws ChannelException {
    byte[] plain = cipher.open(record);
    try {
      return ServerMessage.parseFrom(plain);
    } catch (InvalidProtocolBufferException e) {
      throw malformed("ServerMessage", e);
    }
  }

  private static ChannelException malformed(String type, InvalidProtocolBufferException e) {
    return new ChannelException(
        ChannelException.Reason.MALFORMED,
        "a record decrypted but is not a valid " + type + ": " + e.getMessage(),
        e);
  }
}
