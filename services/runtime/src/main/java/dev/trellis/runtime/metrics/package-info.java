/**
 * Metrics: one Micrometer Prometheus registry per process with JVM and process metrics bound,
 * Vert.x metrics reported into it, and the handler that serves it as Prometheus text ({@link
 * dev.trellis.runtime.metrics.PrometheusMetrics}). Services register their own counters and gauges
 * on {@link dev.trellis.runtime.metrics.PrometheusMetrics#registry()}.
 */
package dev.trellis.runtime.metrics;
