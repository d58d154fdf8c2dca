package dev.trellis.coordinator.stream;

import dev.trellis.proto.control.v1.MapResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A frame many sessions receive alike (a relay map, a DNS configuration, the packet filter of every
 * device in one segment), serialized once: each session appends only its own stamp ({@link
 * StampedFrame}). A policy change at 10,000 devices otherwise serialized every device's ~5 KB
 * filter twice, which was most of the coordinator's work for the change.
 *
 * <p>Thread-safety: immutable; {@link Cache} is not thread-safe (one per change, model thread).
 */
record SharedFrame(MapResponse frame, byte[] body) {
  /** {@code frame} with its serialized form. */
  static SharedFrame of(MapResponse frame) {
    return new SharedFrame(frame, frame.toByteArray());
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
