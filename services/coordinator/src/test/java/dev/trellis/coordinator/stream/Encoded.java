package dev.trellis.coordinator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.trellis.proto.control.v1.MapResponse;

/** For the tests' frame sinks: the bytes a session hands its sink parse as the frame it names. */
public final class Encoded {
  private Encoded() {}

  /** {@code frame}, after checking that {@code encoded} is its serialization. */
  public static MapResponse checked(MapResponse frame, byte[] encoded) {
    try {
      assertEquals(frame, MapResponse.parseFrom(encoded), "the frame's bytes");
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("a frame's bytes do not parse", e);
    }
    return frame;
  }
}
