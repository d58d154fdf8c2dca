package dev.trellis.runtime.service;

import dev.trellis.runtime.access.ServiceCredentials;
import dev.trellis.runtime.http.Readiness;
import dev.trellis.runtime.internal.ServiceDirectory;
import dev.trellis.runtime.projection.ProjectionRunner;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;

/**
 * Runs one {@link TrellisService} as a verticle, so its start, stop and callbacks happen on the
 * verticle's context (an event loop or a virtual thread, per the service), with the start-up
 * preamble every service shares done here once: its {@code trellis_service_up} gauge, its {@link
 * TrellisService#projections() projections} running before it starts, and its {@link
 * CommandThreads}; the projections stop and the threads close after the service stopped, or when
 * its start failed.
 *
 * <p>Thread-safety: confined to its Vert.x context.
 */
final class ServiceVerticle extends VerticleBase {
  private final TrellisService service;
  private final Infrastructure infra;
  private final Router router;
  private final Readiness readiness;
  private final ServiceCredentials credentials;
  private final ServiceDirectory directory;
  private ProjectionRunner projections;
  private CommandThreads commands;

  ServiceVerticle(
      TrellisService service,
      Infrastructure infra,
      Router router,
      Readiness readiness,
      ServiceCredentials credentials,
      ServiceDirectory directory) {
    this.service = service;
    this.infra = infra;
    this.router = router;
    this.readiness = readiness;
    this.credentials = credentials;
    this.directory = directory;
  }

  @Override
  public Future<?> start() {
    Gauge.builder("trellis_service_up", () -> 1)
        .tag("service", service.name())
        .register(infra.metrics().registry());
    projections =
        ProjectionRunner.start(
            infra.vertx(), infra.eventLog(), infra.hazelcast(), service.projections());
    commands = new CommandThreads(infra.vertx(), service.name());
    ServiceContext context =
        new ServiceContext(
            infra.vertx(),
            infra.settings(),
            infra.hazelcast(),
            infra.eventLog(),
            infra.metrics().registry(),
            router,
            readiness,
            credentials,
            directory,
            projections,
            commands);
    return service
        .start(context)
        .recover(e -> release().transform(ignored -> Future.<Void>failedFuture(e)));
  }

  @Override
  public Future<?> stop() {
    return service.stop().eventually(this::release);
  }

  /** Stops the projections and closes the command threads. */
  private Future<Void> release() {
    commands.close();
    return projections.stop();
  }
}
