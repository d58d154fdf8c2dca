package dev.trellis.ipam;

import dev.trellis.proto.event.Topics;
import dev.trellis.runtime.service.ServiceContext;
import dev.trellis.runtime.service.TrellisService;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import java.util.List;

/**
 * The ipam service: address allocation from 100.64.0.0/10 and fd7a:115c:a1e0::/48. It owns the
 * topic {@code trellis.ipam}; until its capability is built it only takes part in the process's
 * health, readiness and metrics.
 *
 * <p>Thread-safety: started once by the service host.
 */
public final class IpamService implements TrellisService {
  @Override
  public String name() {
    return "ipam";
  }

  @Override
  public List<String> topics() {
    return List.of(Topics.IPAM);
  }

  @Override
  public Future<Void> start(ServiceContext ctx) {
    Gauge.builder("trellis_service_up", () -> 1).tag("service", name()).register(ctx.meters());
    return Future.succeededFuture();
  }
}
