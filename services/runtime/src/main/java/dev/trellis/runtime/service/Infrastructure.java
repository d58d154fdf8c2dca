package dev.trellis.runtime.service;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.metrics.PrometheusMetrics;
import io.vertx.core.Vertx;
import java.util.Objects;

/**
 * The started shared parts a {@link ServiceHost} runs services on: Vert.x (built with {@link
 * VertxSetup}), the settings, the Hazelcast member, the connected event log and the metrics. The
 * caller (a service's main or the all-in-one) starts them and closes them after the host stops.
 *
 * <p>Thread-safety: immutable.
 *
 * @param vertx the process's Vert.x
 * @param settings the parsed settings
 * @param hazelcast the started Hazelcast member
 * @param eventLog the connected event log
 * @param metrics the process's metrics
 */
public record Infrastructure(
    Vertx vertx,
    Settings settings,
    HazelcastInstance hazelcast,
    EventLog eventLog,
    PrometheusMetrics metrics) {
  /** Requires every part. */
  public Infrastructure {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(hazelcast, "hazelcast");
    Objects.requireNonNull(eventLog, "eventLog");
    Objects.requireNonNull(metrics, "metrics");
  }
}
