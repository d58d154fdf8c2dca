package dev.trellis.runtime.eventlog;

import java.util.Map;

/**
 * The outcome of {@link EventLog#replay}: how many events were handled, how many unreadable records
 * were skipped, and the end offset (exclusive) per partition the replay read up to, as captured
 * when it started. Immutable and thread-safe.
 */
public record ReplayResult(long handled, long skipped, Map<Integer, Long> endOffsets) {
  public ReplayResult {
    endOffsets = Map.copyOf(endOffsets);
  }
}
