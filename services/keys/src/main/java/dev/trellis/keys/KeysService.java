package dev.trellis.keys;

import dev.trellis.proto.event.Topics;
import dev.trellis.runtime.service.ServiceContext;
import dev.trellis.runtime.service.TrellisService;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import java.util.List;

/**
 * The keys service: the key registry: machine, node and disco public keys; expiry, rotation,
 * revocation. It owns the topic {@code trellis.keys}; until its capability is built it only takes
 * part in the process's health, readiness and metrics.
 *
 * <p>Thread-safety: started once by the service host.
 */
public final class KeysService implements TrellisService {
  @Override
  public String name() {
    return "keys";
  }

  @Override
  public List<String> topics() {
    return List.of(Topics.KEYS);
  }

  @Override
  public Future<Void> start(ServiceContext ctx) {
    Gauge.builder("trellis_service_up", () -> 1).tag("service", name()).register(ctx.meters());
    return Future.succeededFuture();
  }
}
