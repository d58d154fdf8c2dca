package dev.trellis.runtime.service;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.ServiceCredentials;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.http.Readiness;
import dev.trellis.runtime.http.ReadinessCheck;
import dev.trellis.runtime.internal.InternalClient;
import dev.trellis.runtime.internal.ServiceDirectory;
import dev.trellis.runtime.projection.ProjectionRunner;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Clock;

/**
 * What a {@link TrellisService} gets from the host: Vert.x, the settings, the Hazelcast member
 * (live state), the Kafka event log (record of truth), the meter registry for its own counters and
 * gauges, the router to mount its HTTP routes on (under {@code /api/v1/...}) and the readiness
 * registry behind {@code /readyz}; and, run by the host for this service, the runner of its {@link
 * TrellisService#projections() projections} and its {@link CommandThreads}.
 *
 * <p>Thread-safety: immutable; every component is itself thread-safe.
 *
 * @param vertx the process's Vert.x
 * @param settings the parsed settings
 * @param hazelcast the embedded Hazelcast member
 * @param eventLog the Kafka event log
 * @param meters the Prometheus-backed meter registry
 * @param router the process's one router
 * @param readiness the readiness checks of the process
 * @param credentials mints and verifies service-to-service credentials
 * @param directory where other services' instances are reachable
 * @param projections the running projections of this service (started before it, stopped after)
 * @param commands this service's command threads (closed after it stopped)
 */
public record ServiceContext(
    Vertx vertx,
    Settings settings,
    HazelcastInstance hazelcast,
    EventLog eventLog,
    MeterRegistry meters,
    Router router,
    Readiness readiness,
    ServiceCredentials credentials,
    ServiceDirectory directory,
    ProjectionRunner projections,
    CommandThreads commands) {

  /** A client for calling other services' internal endpoints as {@code caller}. */
  public InternalClient internalClient(String caller) {
    return new InternalClient(vertx, caller, directory, credentials);
  }

  /** The API-token authenticator of every service's routes, with {@code clock} for expiries. */
  public ApiTokenAuthenticator authenticator(Clock clock) {
    return new ApiTokenAuthenticator(vertx, hazelcast, clock, credentials);
  }

  /** Registers a readiness check named {@code service/name}, e.g. {@code ipam/projection}. */
  public void ready(String service, String name, ReadinessCheck check) {
    readiness.register(service + "/" + name, check);
  }
}
