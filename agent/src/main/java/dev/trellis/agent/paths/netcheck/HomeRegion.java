package dev.trellis.agent.paths.netcheck;

import dev.trellis.proto.control.v1.RelayMap;
import dev.trellis.proto.control.v1.RelayRegion;
import java.time.Duration;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * Chooses the home relay region from successive netchecks, with hysteresis so that the home (which
 * every peer learns through the control server) does not flap between regions of similar latency:
 *
 * <ul>
 *   <li>no home yet, or the home left the relay map or is marked avoid: the netcheck's preferred
 *       region at once;
 *   <li>every instance of the home region is down (the relay client could connect to none): the
 *       measured region with the lowest latency that is not down, else the first usable one, at
 *       once;
 *   <li>another region is clearly faster (a third and at least 5 ms less round trip than the home)
 *       in two netchecks in a row: that region;
 *   <li>otherwise the home stays.
 * </ul>
 *
 * <p>Thread-safety: {@link #choose} is synchronised; the streak is the only state.
 */
public final class HomeRegion {
  static final Duration MIN_GAIN = Duration.ofMillis(5);
  static final int STREAK = 2;

  private int candidate;
  private int streak;

  /**
   * The home region after {@code report}, given the current home ({@code 0} = none) and which
   * regions the relay client finds down.
   */
  public synchronized int choose(int home, NetcheckReport report, RelayMap map, IntPredicate down) {
    RelayRegion current = home == 0 ? null : map.getRegionsMap().get(home);
    if (current == null || current.getAvoid()) {
      reset();
      return report.preferredRegion();
    }
    if (down.test(home)) {
      reset();
      int best = 0;
      Duration bestLatency = null;
      for (var e : report.latency().entrySet()) {
        RelayRegion r = map.getRegionsMap().get(e.getKey());
        if (e.getKey() != home
            && usable(r)
            && !down.test(e.getKey())
            && (bestLatency == null || e.getValue().compareTo(bestLatency) < 0)) {
          best = e.getKey();
          bestLatency = e.getValue();
        }
      }
      if (best == 0) {
        for (RelayRegion r : new TreeMap<>(map.getRegionsMap()).values()) {
          if (r.getRegionId() != home && usable(r) && !down.test(r.getRegionId())) {
            best = r.getRegionId();
            break;
          }
        }
      }
      return best == 0 ? home : best;
    }
    int preferred = report.preferredRegion();
    Duration homeLatency = report.latency().get(home);
    Duration preferredLatency = report.latency().get(preferred);
    if (preferred == 0
        || preferred == home
        || homeLatency == null
        || preferredLatency == null
        || !usable(map.getRegionsMap().get(preferred))) {
      reset();
      return home;
    }
    Duration gain = homeLatency.minus(preferredLatency);
    Duration needed = homeLatency.dividedBy(3);
    if (needed.compareTo(MIN_GAIN) < 0) {
      needed = MIN_GAIN;
    }
    if (gain.compareTo(needed) < 0) {
      reset();
      return home;
    }
    if (candidate == preferred) {
      streak++;
    } else {
      candidate = preferred;
      streak = 1;
    }
    if (streak >= STREAK) {
      reset();
      return preferred;
    }
    return home;
  }

  private static boolean usable(RelayRegion r) {
    return r != null && !r.getAvoid() && r.getNodesList().stream().anyMatch(n -> !n.getStunOnly());
  }

  private void reset() {
    candidate = 0;
    streak = 0;
  }
}
