package dev.trellis.runtime.http;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One condition a process needs before it takes traffic: Kafka connected, the Hazelcast member
 * joined, a projection caught up. {@link #check()} completes when ready and fails with a short
 * reason (shown in {@code /readyz}, so no secrets) when not. It must not block: it runs on an event
 * loop, and {@link Readiness} gives up on it after a timeout.
 *
 * <p>Thread-safety: implementations must tolerate calls from any event-loop thread; {@link
 * #cachedFor} wrappers synchronize internally.
 */
@FunctionalInterface
public interface ReadinessCheck {
  /** Completes when ready; fails with the reason when not. */
  Future<Void> check();

  /**
   * This check, asked at most once per {@code ttl}: callers within the ttl (and while a check is in
   * flight) share the last answer. For checks that cost a network round trip (Kafka), so that
   * frequent probes do not pile up requests.
   */
  default ReadinessCheck cachedFor(Duration ttl) {
    ReadinessCheck delegate = this;
    long ttlNanos = ttl.toNanos();
    return new ReadinessCheck() {
      private Future<Void> last;
      private long askedAt;

      @Override
      public synchronized Future<Void> check() {
        long now = System.nanoTime();
        if (last == null || (last.isComplete() && now - askedAt >= ttlNanos)) {
          askedAt = now;
          Future<Void> answer;
          try {
            answer = delegate.check();
          } catch (RuntimeException e) {
            answer = Future.failedFuture(e);
          }
          last = answer;
        }
        return last;
      }
    };
  }

  /** A check that is ready while {@code ready} returns true, else fails with {@code whyNot}. */
  static ReadinessCheck when(BooleanSupplier ready, String whyNot) {
    return () ->
        ready.getAsBoolean()
            ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException(whyNot));
  }

  /** A check whose reason is computed: ready while {@code whyNot} returns null. */
  static ReadinessCheck reason(Supplier<String> whyNot) {
    return () -> {
      String reason = whyNot.get();
      return reason == null
          ? Future.succeededFuture()
          : Future.failedFuture(new IllegalStateException(reason));
    };
  }
}
