package dev.trellis.runtime.metrics;

import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.LocalMapStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToLongFunction;

/**
 * The load this process's Hazelcast member carries, summed over every map it holds partitions of:
 * operations by kind ({@code trellis_hazelcast_map_operations_total{op=get|put|set|remove|other}})
 * and the heap cost of the entries it owns ({@code trellis_hazelcast_map_owned_bytes}). Read from
 * the member's local map statistics at each scrape, so it costs nothing between scrapes.
 *
 * <p>Thread-safety: thread-safe (Hazelcast's statistics are).
 */
public final class HazelcastLoad {
  private HazelcastLoad() {}

  /** Registers the meters for {@code member} in {@code registry}. */
  public static void bind(HazelcastInstance member, MeterRegistry registry) {
    op(member, registry, "get", LocalMapStats::getGetOperationCount);
    op(member, registry, "put", LocalMapStats::getPutOperationCount);
    op(member, registry, "set", LocalMapStats::getSetOperationCount);
    op(member, registry, "remove", LocalMapStats::getRemoveOperationCount);
    op(member, registry, "other", LocalMapStats::getOtherOperationCount);
    Gauge.builder(
            "trellis_hazelcast_map_owned_bytes",
            member,
            m -> sum(m, LocalMapStats::getOwnedEntryMemoryCost))
        .description("Heap cost of the map entries this member owns")
        .register(registry);
  }

  private static void op(
      HazelcastInstance member,
      MeterRegistry registry,
      String op,
      ToLongFunction<LocalMapStats> stat) {
    FunctionCounter.builder("trellis_hazelcast_map_operations_total", member, m -> sum(m, stat))
        .description("Map operations handled by this member, by kind")
        .tag("op", op)
        .register(registry);
  }

  private static double sum(HazelcastInstance member, ToLongFunction<LocalMapStats> stat) {
    if (!member.getLifecycleService().isRunning()) {
      return 0;
    }
    long total = 0;
    for (DistributedObject o : member.getDistributedObjects()) {
      if (o instanceof IMap<?, ?> map) {
        total += stat.applyAsLong(map.getLocalMapStats());
      }
    }
    return total;
  }
}
