package dev.trellis.runtime.eventlog;

import io.vertx.core.Future;

/**
 * Handles one event read from the log. The returned future completing successfully means the event
 * is handled and its offset may be committed; a failed future makes the log deliver it again (at
 * least once).
 *
 * <p>Threading: an {@link EventLog} calls a handler from its subscription's own consumer thread (a
 * plain thread, never a Vert.x event loop), one event at a time per subscription, and waits for the
 * returned future. A handler may therefore block (e.g. on Hazelcast), and must not assume it runs
 * on a Vert.x context.
 */
@FunctionalInterface
public interface EventHandler {

  /** Handles {@code event}; the future completes when the event's effects are durable. */
  Future<Void> handle(LoggedEvent event);

  /**
   * Told about a record the log skipped because it is not a readable {@code EventEnvelope} (already
   * logged with topic and offset). Lets position-tracking handlers move past it. The default does
   * nothing.
   */
  default Future<Void> skipped(String topic, int partition, long offset, String reason) {
    return Future.succeededFuture();
  }
}
