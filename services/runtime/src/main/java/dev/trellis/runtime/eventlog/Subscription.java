package dev.trellis.runtime.eventlog;

import io.vertx.core.Future;

/**
 * A running consumer of the log (a group subscription or a follow). Thread-safe: {@link #stop()}
 * may be called from any thread, any number of times.
 */
public interface Subscription extends AutoCloseable {

  /**
   * Stops consuming: the event being handled finishes, handled offsets are committed, the consumer
   * leaves its group. The future completes when the consumer thread has exited.
   */
  Future<Void> stop();

  /**
   * Completes when the consumer has exited: successfully after {@link #stop()}, failed if it died
   * on its own (e.g. the topic to follow does not exist).
   */
  Future<Void> terminated();

  /** Same as {@link #stop()} without waiting. */
  @Override
  default void close() {
    stop();
  }
}
