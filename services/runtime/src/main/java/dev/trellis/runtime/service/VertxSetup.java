package dev.trellis.runtime.service;

import dev.trellis.runtime.metrics.PrometheusMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Builds the process's Vert.x: metrics into the process's Prometheus registry, and the blocked
 * thread checker on, so an event loop held longer than {@code maxEventLoopTime} (or a worker held
 * longer than a minute) is logged by {@code io.vertx.core.impl.BlockedThreadChecker} with the
 * offending stack.
 *
 * <p>Thread-safety: stateless.
 */
public final class VertxSetup {
  /** Default longest event-loop task before a warning. */
  public static final Duration DEFAULT_MAX_EVENT_LOOP_TIME = Duration.ofMillis(500);

  private VertxSetup() {}

  /** Vert.x with metrics and blocked-thread checks at the default limits. */
  public static Vertx create(PrometheusMetrics metrics) {
    return create(metrics, DEFAULT_MAX_EVENT_LOOP_TIME, Duration.ofSeconds(1));
  }

  /**
   * Vert.x with metrics; an event-loop task longer than {@code maxEventLoopTime} is reported,
   * checked every {@code checkInterval}.
   */
  public static Vertx create(
      PrometheusMetrics metrics, Duration maxEventLoopTime, Duration checkInterval) {
    VertxOptions options =
        new VertxOptions()
            .setPreferNativeTransport(true)
            .setBlockedThreadCheckInterval(checkInterval.toMillis())
            .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
            .setMaxEventLoopExecuteTime(maxEventLoopTime.toMillis())
            .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
            .setMaxWorkerExecuteTime(60)
            .setMaxWorkerExecuteTimeUnit(TimeUnit.SECONDS)
            .setWarningExceptionTime(maxEventLoopTime.toMillis())
            .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS);
    return Vertx.builder()
        .with(metrics.applyTo(options))
        .withMetrics(metrics.vertxMetricsFactory())
        .build();
  }
}
