package dev.trellis.runtime.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * The process's metrics: a Prometheus registry tagged with the process's service name, with JVM
 * (memory, GC, threads, class loading) and process (CPU, uptime, file descriptors) metrics bound.
 * {@link #applyTo(VertxOptions)} and {@link #vertxMetricsFactory()} make Vert.x report its HTTP,
 * event-bus and pool metrics into the same registry; {@link #scrapeHandler()} serves it in the
 * Prometheus text format for {@code GET /metrics}. {@link #close()} unbinds the GC listener.
 *
 * <p>Thread-safety: the registry is thread-safe; create one instance per process.
 */
public final class PrometheusMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  private PrometheusMetrics(PrometheusMeterRegistry registry, JvmGcMetrics gc) {
    this.registry = registry;
    this.gc = gc;
  }

  /** A registry whose every meter carries the tag {@code service=<service>}. */
  public static PrometheusMetrics create(String service) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", service);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    return new PrometheusMetrics(registry, gc);
  }

  /** The registry services add their counters, gauges and timers to. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The Vert.x metrics SPI factory reporting into this registry ({@code withMetrics(...)}). */
  public VertxMetricsFactory vertxMetricsFactory() {
    return new MicrometerMetricsFactory(registry);
  }

  /** Enables Vert.x metrics in {@code options} (JVM metrics are already bound here). */
  public VertxOptions applyTo(VertxOptions options) {
    return options.setMetricsOptions(
        new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(false));
  }

  /** A route handler answering with the registry in the Prometheus text format. */
  public Handler<RoutingContext> scrapeHandler() {
    return PrometheusScrapingHandler.create(registry);
  }

  /** The registry in the Prometheus text format (for tests and diagnostics). */
  public String scrape() {
    return registry.scrape();
  }

  /** Unbinds the GC listener and closes the registry. */
  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
