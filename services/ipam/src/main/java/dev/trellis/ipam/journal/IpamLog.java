package dev.trellis.ipam.journal;

import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.runtime.eventlog.EventLog;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Appends ipam events on {@code trellis.ipam} (keyed by tailnet id, so one tailnet's events stay
 * ordered) and waits until the allocation projection shows them, so that the next decision on any
 * instance, and the caller's next read, see them. Blocking: for the threads of {@link
 * CommandThreads}, never an event loop.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class IpamLog {
  private final EventLog log;
  private final Supplier<Future<Void>> caughtUp;

  public IpamLog(EventLog log, Supplier<Future<Void>> caughtUp) {
    this.log = log;
    this.caughtUp = caughtUp;
  }

  /** Appends {@code event}, then waits for the projection. */
  public void appendAndApply(EventEnvelope event) {
    CommandThreads.await(log.append(Topics.IPAM, event));
    CommandThreads.await(caughtUp.get());
  }
}
