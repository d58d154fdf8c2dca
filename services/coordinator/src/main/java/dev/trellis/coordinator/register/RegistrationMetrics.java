package dev.trellis.coordinator.register;

import dev.trellis.proto.control.v1.RegisterResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Registrations as an operator watches them: {@code trellis_coordinator_registrations_total} by
 * outcome ({@code ok}, or the error code in lower case, e.g. {@code auth_key_expired}) and the time
 * from request to final answer, {@code trellis_coordinator_registration_seconds} (interactive
 * logins include the user's time to sign in).
 *
 * <p>Thread-safety: thread-safe.
 */
public final class RegistrationMetrics {
  private final MeterRegistry meters;
  private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
  private final Timer latency;

  public RegistrationMetrics(MeterRegistry meters) {
    this.meters = meters;
    this.latency =
        Timer.builder("trellis_coordinator_registration_seconds")
            .description("Registration request to final answer")
            .publishPercentiles(0.5, 0.99)
            .register(meters);
    outcome("ok"); // present from the start, so a dashboard shows 0 rather than nothing
  }

  /** Records a final answer ({@code r} has a node id or an error code) given at {@code nanos}. */
  void finished(RegisterResponse r, long startNanos) {
    latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    outcome(r.getErrorCode().isEmpty() ? "ok" : r.getErrorCode().toLowerCase(Locale.ROOT))
        .increment();
  }

  /** Registrations so far that ended with {@code outcome}. */
  public double count(String outcome) {
    Counter c = outcomes.get(outcome);
    return c == null ? 0 : c.count();
  }

  private Counter outcome(String outcome) {
    return outcomes.computeIfAbsent(
        outcome,
        o ->
            Counter.builder("trellis_coordinator_registrations_total")
                .tag("outcome", o)
                .register(meters));
  }
}
