package dev.trellis.coordinator.stream;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.trellis.proto.control.v1.MapResponse;
import java.io.IOException;
import java.time.Instant;

/**
 * A frame as one session sends it: the frame's serialized {@code body} (shared by every session
 * that gets the same frame, such as a segment's packet filter) followed by this session's
 * serialized {@code stamp} (version, resume token, time). Protobuf's encoding of a message is the
 * concatenation of its fields' encodings, so body then stamp parse as the stamped frame; a channel
 * seals the two parts as they are, so a change reaching 10,000 devices neither copies nor
 * re-serializes the shared part per device, and a session's resume buffer holds a reference to it,
 * not a copy.
 *
 * <p>Thread-safety: immutable (the arrays are never written after construction).
 *
 * @param frame the frame before stamping (its kind decides how it is sent)
 * @param body {@code frame} serialized; shared, never modified
 * @param stamp the session's stamp fields serialized
 */
public record StampedFrame(MapResponse frame, byte[] body, byte[] stamp) {
  /** Bytes on the wire (before sealing). */
  public int length() {
    return body.length + stamp.length;
  }

  /** Whether the frame is a full netmap (which a channel may have to split into parts). */
  public boolean full() {
    return frame.hasFull();
  }

  /** The serialized stamped frame, body and stamp joined (a copy). */
  public byte[] encoded() {
    byte[] out = new byte[length()];
    System.arraycopy(body, 0, out, 0, body.length);
    System.arraycopy(stamp, 0, out, body.length, stamp.length);
    return out;
  }

  /** The stamped frame as a message (parsed from {@link #encoded}; not for the fan-out's path). */
  public MapResponse stamped() {
    try {
      return MapResponse.parseFrom(encoded());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a frame written here did not parse", e);
    }
  }

  /**
   * The stamp fields serialized: {@code netmap_version}, {@code resume_token} ({@code token},
   * UTF-8) and {@code sent_at}, byte for byte what a MapResponse holding only them serializes to.
   * Written straight into one array, without the builders and the Timestamp a message would need:
   * every session stamps every frame, 10,000 of them per change at 10,000 devices.
   */
  static byte[] stamp(long version, byte[] token, Instant now) {
    long seconds = now.getEpochSecond();
    int nanos = now.getNano();
    int time =
        (seconds != 0 ? CodedOutputStream.computeInt64Size(1, seconds) : 0)
            + (nanos != 0 ? CodedOutputStream.computeInt32Size(2, nanos) : 0);
    int size =
        (version != 0
                ? CodedOutputStream.computeUInt64Size(
                    MapResponse.NETMAP_VERSION_FIELD_NUMBER, version)
                : 0)
            + (token.length != 0
                ? CodedOutputStream.computeByteArraySize(
                    MapResponse.RESUME_TOKEN_FIELD_NUMBER, token)
                : 0)
            + CodedOutputStream.computeTagSize(MapResponse.SENT_AT_FIELD_NUMBER)
            + CodedOutputStream.computeUInt32SizeNoTag(time)
            + time;
    byte[] out = new byte[size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      if (version != 0) {
        o.writeUInt64(MapResponse.NETMAP_VERSION_FIELD_NUMBER, version);
      }
      if (token.length != 0) {
        o.writeByteArray(MapResponse.RESUME_TOKEN_FIELD_NUMBER, token);
      }
      o.writeTag(MapResponse.SENT_AT_FIELD_NUMBER, 2); // length-delimited
      o.writeUInt32NoTag(time);
      if (seconds != 0) {
        o.writeInt64(1, seconds);
      }
      if (nanos != 0) {
        o.writeInt32(2, nanos);
      }
      o.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("the stamp's size was computed above", e);
    }
    return out;
  }
}
