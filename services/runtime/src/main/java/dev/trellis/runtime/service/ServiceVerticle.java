package dev.trellis.runtime.service;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.function.Function;

/**
 * Runs one {@link TrellisService} as a verticle, so its start, stop and callbacks happen on the
 * verticle's context (an event loop or a virtual thread, per the service).
 *
 * <p>Thread-safety: confined to its Vert.x context.
 */
final class ServiceVerticle extends VerticleBase {
  private final TrellisService service;
  private final Function<TrellisService, ServiceContext> contexts;

  ServiceVerticle(TrellisService service, Function<TrellisService, ServiceContext> contexts) {
    this.service = service;
    this.contexts = contexts;
  }

  @Override
  public Future<?> start() {
    return service.start(contexts.apply(service));
  }

  @Override
  public Future<?> stop() {
    return service.stop();
  }
}
