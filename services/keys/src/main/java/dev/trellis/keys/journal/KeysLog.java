package dev.trellis.keys.journal;

import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.service.CommandThreads;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Supplier;

/**
 * Appends key-registry events in order on {@code trellis.keys} and waits until the projection shows
 * them, so that the next decision (on any instance) and the caller's next read see them. Blocking:
 * for the command threads of {@link CommandThreads}, never an event loop.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class KeysLog {
  private final EventLog log;
  private final Supplier<Future<Void>> caughtUp;

  public KeysLog(EventLog log, Supplier<Future<Void>> caughtUp) {
    this.log = log;
    this.caughtUp = caughtUp;
  }

  /** Appends {@code events} one after the other, then waits for the projection. */
  public void appendAndApply(List<EventEnvelope> events) {
    for (EventEnvelope e : events) {
      CommandThreads.await(log.append(Topics.KEYS, e));
    }
    if (!events.isEmpty()) {
      CommandThreads.await(caughtUp.get());
    }
  }

  /** Appends one event, then waits for the projection. */
  public void appendAndApply(EventEnvelope event) {
    appendAndApply(List.of(event));
  }
}
