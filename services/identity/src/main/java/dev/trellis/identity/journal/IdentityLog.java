package dev.trellis.identity.journal;

import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.runtime.eventlog.EventLog;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Supplier;

/**
 * Appends identity events in order and, for commands, waits until the projection shows them, so a
 * caller reads its own writes from any instance.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class IdentityLog {
  private final EventLog log;
  private final Supplier<Future<Void>> caughtUp;

  public IdentityLog(EventLog log, Supplier<Future<Void>> caughtUp) {
    this.log = log;
    this.caughtUp = caughtUp;
  }

  /** Appends {@code events} one after the other, then waits for the projection. */
  public Future<Void> appendAndApply(List<EventEnvelope> events) {
    return append(events).compose(v -> caughtUp.get());
  }

  /** Completes once the projection has applied everything appended so far. */
  public Future<Void> caughtUp() {
    return caughtUp.get();
  }

  /** Appends {@code events} one after the other without waiting for the projection. */
  public Future<Void> append(List<EventEnvelope> events) {
    Future<Void> chain = Future.succeededFuture();
    for (EventEnvelope e : events) {
      chain = chain.compose(v -> log.append(Topics.IDENTITY, e)).mapEmpty();
    }
    return chain;
  }
}
