package dev.trellis.identity.limit;

import com.hazelcast.map.IMap;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Counts events per key in fixed windows, in a Hazelcast map shared by every identity instance, so
 * a limit holds across instances: each key's value is the string {@code <window start ms>:<count>}
 * (built-in map operations only, so no identity class must exist on other services' members of a
 * shared cluster), incremented with a compare-and-set loop; entries expire with their window.
 *
 * <p>Thread-safety: thread-safe; methods block on Hazelcast (call from workers).
 */
public final class WindowCounter {
  private final IMap<String, String> counts;
  private final Clock clock;
  private final Duration window;

  public WindowCounter(IMap<String, String> counts, Clock clock, Duration window) {
    this.counts = counts;
    this.clock = clock;
    this.window = window;
  }

  /** Adds one to {@code key}'s count in the current window; returns the count after it. */
  public long add(String key) {
    long now = clock.millis();
    while (true) {
      String current = counts.get(key);
      long[] w = parse(current);
      long[] next =
          w == null || now - w[0] >= window.toMillis()
              ? new long[] {now, 1}
              : new long[] {w[0], w[1] + 1};
      String text = next[0] + ":" + next[1];
      boolean done =
          current == null
              ? counts.putIfAbsent(key, text, window.toSeconds(), TimeUnit.SECONDS) == null
              : counts.replace(key, current, text);
      if (done) {
        return next[1];
      }
    }
  }

  /** {@code key}'s count in the current window (0 when none). */
  public long count(String key) {
    long[] w = parse(counts.get(key));
    return w != null && clock.millis() - w[0] < window.toMillis() ? w[1] : 0;
  }

  /** Forgets {@code key}'s count. */
  public void clear(String key) {
    counts.delete(key);
  }

  /** {@code [start, count]} of a stored window, or null for none or garbage. */
  private static long[] parse(String value) {
    if (value == null) {
      return null;
    }
    int colon = value.indexOf(':');
    try {
      return new long[] {
        Long.parseLong(value.substring(0, colon)), Long.parseLong(value.substring(colon + 1))
      };
    } catch (RuntimeException e) {
      return null;
    }
  }
}
