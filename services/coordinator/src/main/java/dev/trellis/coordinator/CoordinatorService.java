package dev.trellis.coordinator;

import dev.trellis.proto.event.Topics;
import dev.trellis.runtime.service.ServiceContext;
import dev.trellis.runtime.service.TrellisService;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import java.util.List;

/**
 * The coordinator service: the devices' front door: registration, the netmap stream, endpoint
 * reports. It owns the topic {@code trellis.coordinator}; until its capability is built it only
 * takes part in the process's health, readiness and metrics.
 *
 * <p>Thread-safety: started once by the service host.
 */
public final class CoordinatorService implements TrellisService {
  @Override
  public String name() {
    return "coordinator";
  }

  @Override
  public List<String> topics() {
    return List.of(Topics.COORDINATOR);
  }

  @Override
  public Future<Void> start(ServiceContext ctx) {
    Gauge.builder("trellis_service_up", () -> 1).tag("service", name()).register(ctx.meters());
    return Future.succeededFuture();
  }
}
