package dev.trellis.agent.paths.netcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.proto.control.v1.RelayMap;
import dev.trellis.proto.control.v1.RelayNode;
import dev.trellis.proto.control.v1.RelayRegion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The home region follows measured latency with hysteresis (a clearly faster region twice in a row)
 * and leaves a region whose every instance is down at once.
 */
class HomeRegionTest {
  private static final RelayMap MAP =
      RelayMap.newBuilder()
          .putRegions(1, region(1, "fra"))
          .putRegions(2, region(2, "ams"))
          .putRegions(3, region(3, "par"))
          .build();

  private static RelayRegion region(int id, String code) {
    return RelayRegion.newBuilder()
        .setRegionId(id)
        .setRegionCode(code)
        .addNodes(RelayNode.newBuilder().setName(code + "-1").setRegionId(id).setRelayPort(1))
        .build();
  }

  private static NetcheckReport report(Map<Integer, Integer> latencyMs) {
    int preferred = 0;
    long best = Long.MAX_VALUE;
    Map<Integer, Duration> l = new java.util.TreeMap<>();
    for (var e : latencyMs.entrySet()) {
      l.put(e.getKey(), Duration.ofMillis(e.getValue()));
      if (e.getValue() < best) {
        best = e.getValue();
        preferred = e.getKey();
      }
    }
    return new NetcheckReport(
        !l.isEmpty(), List.of(), null, l, Map.of(), preferred == 0 ? 1 : preferred);
  }

  private final HomeRegion home = new HomeRegion();

  @Test
  void noHomeTakesThePreferredRegion() {
    assertEquals(2, home.choose(0, report(Map.of(1, 30, 2, 10)), MAP, r -> false));
    assertEquals(2, home.choose(9, report(Map.of(1, 30, 2, 10)), MAP, r -> false), "home left map");
  }

  @Test
  void aClearlyFasterRegionWinsOnlyTwiceInARow() {
    assertEquals(1, home.choose(1, report(Map.of(1, 30, 2, 10)), MAP, r -> false), "first time");
    assertEquals(2, home.choose(1, report(Map.of(1, 30, 2, 10)), MAP, r -> false), "second time");
  }

  @Test
  void aSlightlyFasterRegionOrAnInterruptedStreakKeepsTheHome() {
    for (int i = 0; i < 5; i++) {
      assertEquals(1, home.choose(1, report(Map.of(1, 30, 2, 25)), MAP, r -> false), "1/6 faster");
      assertEquals(1, home.choose(1, report(Map.of(1, 6, 2, 2)), MAP, r -> false), "< 5 ms gain");
    }
    assertEquals(1, home.choose(1, report(Map.of(1, 30, 2, 10)), MAP, r -> false));
    assertEquals(1, home.choose(1, report(Map.of(1, 30, 2, 29)), MAP, r -> false), "streak broken");
    assertEquals(1, home.choose(1, report(Map.of(1, 30, 2, 10)), MAP, r -> false));
  }

  @Test
  void aRegionWhoseEveryInstanceIsDownIsLeftAtOnce() {
    Set<Integer> down = Set.of(1);
    assertEquals(3, home.choose(1, report(Map.of(2, 40, 3, 20)), MAP, down::contains));
    assertEquals(
        2,
        home.choose(1, report(Map.of()), MAP, down::contains),
        "UDP blocked: no latencies, the first usable region that is not down");
    assertEquals(1, home.choose(1, report(Map.of()), MAP, r -> true), "all down: stay");
  }
}
