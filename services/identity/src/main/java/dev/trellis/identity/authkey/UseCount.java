package dev.trellis.identity.authkey;

import com.hazelcast.map.IMap;

/**
 * Takes one use of an auth key atomically in a Hazelcast map of use counts (key id to uses granted
 * so far), so uses through any number of identity instances are serialized and a one-off key is
 * granted exactly once. It is a compare-and-set loop on built-in map operations ({@code
 * putIfAbsent}, {@code replace(key, old, new)}), not an entry processor: other services' Hazelcast
 * members, which may own the key's partition in a shared cluster, need no identity classes. When
 * the entry is absent (first use, or the map was lost) it starts from the count the projection
 * shows.
 *
 * <p>Thread-safety: thread-safe; blocks on Hazelcast (call from workers).
 */
public final class UseCount {
  /** The decisions map (not a projection: decisions, not state rebuilt from the log). */
  public static final String MAP = "identity-decisions.auth-key-uses";

  private final IMap<String, Long> uses;

  public UseCount(IMap<String, Long> uses) {
    this.uses = uses;
  }

  /**
   * Whether {@code keyId} has a use left (nothing changes): for checking a registration before the
   * use is taken.
   *
   * @param projected uses the projection shows (a floor)
   * @param limit the key's limit; 0 for unlimited
   */
  public boolean available(String keyId, long projected, long limit) {
    Long current = uses.get(keyId);
    long base = current == null ? projected : Math.max(current, projected);
    return limit <= 0 || base < limit;
  }

  /**
   * Takes one use of {@code keyId}.
   *
   * @param projected uses the projection shows (a floor)
   * @param limit the key's limit; 0 for unlimited
   * @return the new use count, or -1 when the limit is reached (nothing changes)
   */
  public long take(String keyId, long projected, long limit) {
    while (true) {
      Long current = uses.get(keyId);
      if (current == null) {
        if (limit > 0 && projected >= limit) {
          return -1;
        }
        if (uses.putIfAbsent(keyId, projected + 1) == null) {
          return projected + 1;
        }
        continue;
      }
      long base = Math.max(current, projected);
      if (limit > 0 && base >= limit) {
        return -1;
      }
      if (uses.replace(keyId, current, base + 1)) {
        return base + 1;
      }
    }
  }
}
