package dev.trellis.identity.authkey;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Takes one use of an auth key atomically: runs on the Hazelcast partition that owns the key's
 * entry in the decisions map, so uses through any number of identity instances are serialized and a
 * one-off key is granted exactly once. The entry holds the uses granted so far; when absent (first
 * use, or the map was lost) it starts from the count the projection shows.
 *
 * <p>Result: the new use count, or -1 when the limit is reached (the entry is then unchanged).
 *
 * <p>Thread-safety: Hazelcast runs one processor at a time per key.
 *
 * @param projected uses the projection shows (a floor)
 * @param limit the key's limit; 0 for unlimited
 */
public record UseCount(long projected, long limit) implements EntryProcessor<String, Long, Long> {
  /** The decisions map (not a projection: decisions, not state rebuilt from the log). */
  public static final String MAP = "identity-decisions.auth-key-uses";

  @Override
  public Long process(Map.Entry<String, Long> entry) {
    long current = entry.getValue() == null ? projected : Math.max(entry.getValue(), projected);
    if (limit > 0 && current >= limit) {
      return -1L;
    }
    entry.setValue(current + 1);
    return current + 1;
  }
}
