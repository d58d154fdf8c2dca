package dev.trellis.policy;

import dev.trellis.policy.api.PolicyRoutes;
import dev.trellis.policy.command.PolicyCommands;
import dev.trellis.policy.projection.PolicyProjection;
import dev.trellis.policy.state.Tailnets;
import dev.trellis.proto.event.Topics;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.projection.Projection;
import dev.trellis.runtime.service.ServiceContext;
import dev.trellis.runtime.service.TrellisService;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;

/**
 * The policy service: each tailnet's ACL policy as events on {@code trellis.policy} ({@code
 * PolicyUpdated} with the full text, {@code PolicyRejected} with every problem), the current policy
 * per tailnet projected into Hazelcast ({@link PolicyProjection}), and the policy admin API ({@link
 * PolicyRoutes}). Parsing, validation and compilation are the policy engine's; the coordinator
 * compiles per-node filters itself from the same events.
 *
 * <p>Thread-safety: started once by the service host; its parts are thread-safe.
 */
public final class PolicyService implements TrellisService {
  private final Clock clock;
  private final List<Projection> projections = List.of(new PolicyProjection());

  /** The service with the system clock. */
  public PolicyService() {
    this(Clock.systemUTC());
  }

  /** The service with a given clock (event times). */
  public PolicyService(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "policy";
  }

  @Override
  public List<String> topics() {
    return List.of(Topics.POLICY);
  }

  @Override
  public List<Projection> projections() {
    return projections;
  }

  @Override
  public Future<Void> start(ServiceContext ctx) {
    var auth = ctx.authenticator(clock);
    var commands =
        new PolicyCommands(
            ctx.hazelcast(),
            ctx.eventLog(),
            new Events(clock),
            () -> ctx.projections().awaitCaughtUp());
    new PolicyRoutes(auth, ctx.commands(), commands, new Tailnets(ctx.hazelcast()))
        .mount(ctx.router());
    return Future.succeededFuture();
  }
}
