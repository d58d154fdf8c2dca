package dev.trellis.runtime.eventlog;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides where a group subscription starts reading partitions it has just been assigned, for
 * consumers that keep their own position next to their state (e.g. projections keep it in
 * Hazelcast, so that losing the state also loses the position and the state is rebuilt by replay).
 *
 * <p>Called on the subscription's consumer thread; may block.
 */
@FunctionalInterface
public interface StartPositions {

  /**
   * Returns the next offset to read for some of {@code assigned}; partitions left out resume from
   * the group's committed offset, or the beginning if it has none.
   */
  Map<TopicPartition, Long> onAssigned(Set<TopicPartition> assigned);
}
