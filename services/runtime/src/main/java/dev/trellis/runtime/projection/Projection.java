package dev.trellis.runtime.projection;

import dev.trellis.runtime.eventlog.LoggedEvent;
import java.util.List;

/**
 * Folds events of some topics into Hazelcast maps. Rules that make a rebuild by replay equal the
 * live state:
 *
 * <ul>
 *   <li>{@link #apply} is deterministic: it reads only the event (its envelope's time, never the
 *       wall clock) and the projection's own maps;
 *   <li>it depends only on the order of events within one partition (one tailnet's events), not on
 *       the interleaving of partitions or topics, so state is best keyed by tailnet;
 *   <li>it should be an upsert where possible: if a process dies between applying an event and
 *       recording its position, the event is applied once more on restart.
 * </ul>
 *
 * <p>An event whose payload is unreadable should throw {@link
 * dev.trellis.runtime.eventlog.UnreadableEventException}; it is logged and skipped. Implementations
 * are called from one consumer thread at a time per partition and may block on Hazelcast.
 */
public interface Projection {

  /** Stable name, {@code [a-z0-9][a-z0-9-]*}; live maps are named {@code <name>.<map>}. */
  String name();

  /** The topics this projection reads. */
  List<String> topics();

  /** Applies one event to the maps. */
  void apply(LoggedEvent event, ProjectionMaps maps);
}
