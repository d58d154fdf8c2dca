package dev.trellis.ipam.journal;

import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.service.CommandThreads;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Appends ipam events on {@code trellis.ipam} (keyed by tailnet id, so one tailnet's events stay
 * ordered) and waits until the allocation projection shows them, so that the next decision on any
 * instance, and the caller's next read, see them. It waits for the one fact the event establishes
 * (a node's entry present or gone), polled with a short back-off, rather than for every partition
 * to catch up, which would add an end-offsets round trip to Kafka per command. Blocking: for the
 * threads of {@link CommandThreads}, never an event loop.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class IpamLog {
  /** The longest a command waits for the projection to show its event. */
  static final Duration APPLY_TIMEOUT = Duration.ofSeconds(CommandThreads.STEP_TIMEOUT_SECONDS);

  private static final long MAX_BACKOFF_MS = 20;

  private final EventLog log;

  public IpamLog(EventLog log) {
    this.log = log;
  }

  /** Appends {@code event}, then waits until {@code applied} holds. */
  public void appendAndAwait(EventEnvelope event, BooleanSupplier applied) {
    CommandThreads.await(log.append(Topics.IPAM, event));
    long deadline = System.nanoTime() + APPLY_TIMEOUT.toNanos();
    long backoff = 1;
    while (!applied.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw ApiException.of(
            ErrorCode.UNAVAILABLE, "The address projection did not show the change in time.");
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ApiException.of(ErrorCode.UNAVAILABLE, "Interrupted.", e);
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }
}
