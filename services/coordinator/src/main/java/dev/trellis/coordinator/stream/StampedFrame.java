package dev.trellis.coordinator.stream;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.trellis.proto.control.v1.MapResponse;

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
}
