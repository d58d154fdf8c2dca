package dev.trellis.coordinator.stream;

import com.google.protobuf.CodedOutputStream;
import dev.trellis.proto.control.v1.MapResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A frame many sessions receive alike (a relay map, a DNS configuration, the packet filter of every
 * device in one segment), serialized once: each session appends only its own stamp ({@link
 * MapSession}). A policy change at 10,000 devices otherwise serialized every device's ~5 KB filter
 * twice, which was most of the coordinator's work for the change.
 *
 * <p>Thread-safety: immutable; {@link Cache} is not thread-safe (one per change, model thread).
 */
record SharedFrame(MapResponse frame, byte[] body) {
  /** {@code frame} with its serialized form. */
  static SharedFrame of(MapResponse frame) {
    return new SharedFrame(frame, frame.toByteArray());
  }

  /** {@code body} followed by {@code stamp}'s serialized fields: the stamped frame's encoding. */
  static byte[] concat(byte[] body, MapResponse stamp) {
    int n = stamp.getSerializedSize();
    byte[] out = new byte[body.length + n];
    System.arraycopy(body, 0, out, 0, body.length);
    CodedOutputStream o = CodedOutputStream.newInstance(out, body.length, n);
    try {
      stamp.writeTo(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the array is exactly large enough
    }
    o.checkNoSpaceLeft();
    return out;
  }

  /**
   * Shared frames by key within one change: devices whose frame is equal (the key's equality, e.g.
   * the same packet filter) share one serialization.
   */
  static final class Cache {
    private final Map<Object, SharedFrame> byKey = new HashMap<>();

    SharedFrame get(Object key, Supplier<MapResponse> frame) {
      SharedFrame f = byKey.get(key);
      if (f == null) {
        f = of(frame.get());
        byKey.put(key, f);
      }
      return f;
    }
  }
}
