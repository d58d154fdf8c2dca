package dev.trellis.runtime.projection;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.runtime.eventlog.LoggedEvent;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;

/**
 * Applies events to one projection in one namespace exactly once per position and per event id:
 * skips an offset at or below the partition's recorded position (a redelivery), skips an event id
 * already applied (a duplicate append), and records the position after each event. The same rules
 * serve the live runner and the verifier's rebuild, so both see the same effective event sequence.
 *
 * <p>State lives in Hazelcast: {@code <ns>trellis-projection.checkpoints} (key {@code
 * projection|topic|partition}, value the next offset) and {@code
 * <ns>trellis-projection.<projection>.event-ids} (applied event ids, kept for a TTL).
 *
 * <p>Thread-safety: safe to call concurrently for different partitions; one partition must be fed
 * by one thread at a time (Kafka's group assignment guarantees it).
 */
final class Applier {
  static final String CHECKPOINTS = "trellis-projection.checkpoints";

  private final Projection projection;
  private final ProjectionMaps maps;
  private final IMap<String, Long> checkpoints;
  private final IMap<String, Long> eventIds;
  private final long eventIdTtlSeconds;

  Applier(HazelcastInstance hz, String namespace, Projection projection, Duration eventIdTtl) {
    this.projection = projection;
    this.maps = new ProjectionMaps(hz, namespace, projection.name());
    this.checkpoints = hz.getMap(namespace + CHECKPOINTS);
    this.eventIds = hz.getMap(eventIdsMapName(namespace, projection.name()));
    this.eventIdTtlSeconds = eventIdTtl.isZero() ? 0 : Math.max(1, eventIdTtl.toSeconds());
  }

  static String eventIdsMapName(String namespace, String projection) {
    return namespace + "trellis-projection." + projection + ".event-ids";
  }

  static String checkpointKey(String projection, String topic, int partition) {
    return projection + "|" + topic + "|" + partition;
  }

  /** Applies {@code e} unless it was applied before; returns true if it was applied now. */
  boolean apply(LoggedEvent e) {
    String key = checkpointKey(projection.name(), e.topic(), e.partition());
    Long next = checkpoints.get(key);
    if (next != null && e.offset() < next) {
      return false;
    }
    boolean applied = false;
    if (!eventIds.containsKey(e.eventId())) {
      projection.apply(e, maps);
      eventIds.set(e.eventId(), e.offset(), eventIdTtlSeconds, TimeUnit.SECONDS);
      applied = true;
    }
    checkpoints.set(key, e.offset() + 1);
    return applied;
  }

  /** Moves the position past a record that could not be read. */
  void skip(String topic, int partition, long offset) {
    String key = checkpointKey(projection.name(), topic, partition);
    Long next = checkpoints.get(key);
    if (next == null || offset >= next) {
      checkpoints.set(key, offset + 1);
    }
  }

  /** The next offset to read per partition; partitions without a position start at 0. */
  Map<TopicPartition, Long> positions(Set<TopicPartition> assigned) {
    Map<TopicPartition, Long> m = new java.util.HashMap<>();
    for (TopicPartition tp : assigned) {
      Long next = checkpoints.get(checkpointKey(projection.name(), tp.topic(), tp.partition()));
      m.put(tp, next == null ? 0L : next);
    }
    return m;
  }

  /** The recorded next offset of a partition, 0 if none. */
  long position(String topic, int partition) {
    Long next = checkpoints.get(checkpointKey(projection.name(), topic, partition));
    return next == null ? 0 : next;
  }
}
