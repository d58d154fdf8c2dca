package dev.trellis.runtime.eventlog;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Where a replay or follow starts reading a topic. Immutable and thread-safe.
 *
 * <ul>
 *   <li>{@link Beginning}: the earliest retained offset of every partition;
 *   <li>{@link AtOffset}: given offsets per partition (partitions not named start at the
 *       beginning);
 *   <li>{@link AtTime}: the first event whose log time is at or after the instant (partitions with
 *       no such event are already at their end).
 * </ul>
 */
public sealed interface ReplayStart {

  /** From the beginning of every partition. */
  static ReplayStart beginning() {
    return new Beginning();
  }

  /** From {@code offset} in a single-partition topic (partition 0). */
  static ReplayStart atOffset(long offset) {
    return new AtOffset(Map.of(0, offset));
  }

  /** From the given offset per partition. */
  static ReplayStart atOffsets(Map<Integer, Long> offsets) {
    return new AtOffset(offsets);
  }

  /** From the first event at or after {@code time}. */
  static ReplayStart atTime(Instant time) {
    return new AtTime(time);
  }

  /** From the earliest retained offset. */
  record Beginning() implements ReplayStart {}

  /** From explicit offsets per partition; partitions not named start at the beginning. */
  record AtOffset(Map<Integer, Long> offsets) implements ReplayStart {
    public AtOffset {
      offsets = Map.copyOf(offsets);
      offsets.forEach(
          (p, o) -> {
            if (p < 0 || o < 0) {
              throw new IllegalArgumentException("negative partition or offset: " + p + "@" + o);
            }
          });
    }
  }

  /** From the first event whose record timestamp is at or after {@code time}. */
  record AtTime(Instant time) implements ReplayStart {
    public AtTime {
      Objects.requireNonNull(time, "time");
    }
  }
}
