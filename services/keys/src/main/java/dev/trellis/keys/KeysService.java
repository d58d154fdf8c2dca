package dev.trellis.keys;

import dev.trellis.keys.api.InternalNodeRoutes;
import dev.trellis.keys.api.NodeRoutes;
import dev.trellis.keys.api.RouteApprovalRoutes;
import dev.trellis.keys.journal.KeysLog;
import dev.trellis.keys.lifecycle.NodeCommands;
import dev.trellis.keys.lifecycle.Sweep;
import dev.trellis.keys.projection.NodeProjection;
import dev.trellis.keys.registry.NodeClaims;
import dev.trellis.keys.registry.Registration;
import dev.trellis.keys.state.NodeStore;
import dev.trellis.keys.state.Tailnets;
import dev.trellis.proto.event.Topics;
import dev.trellis.runtime.access.TagDefinitions;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.projection.Projection;
import dev.trellis.runtime.service.CommandThreads;
import dev.trellis.runtime.service.ServiceContext;
import dev.trellis.runtime.service.TrellisService;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;

/**
 * The key registry: each node's machine, node and disco public keys, its MagicDNS name, tags,
 * approval, key expiry, and the routes it advertises and an administrator approved. It projects
 * {@code trellis.keys} (plus ipam's addresses and the coordinator's online/offline and host-info
 * reports) into Hazelcast ({@link NodeProjection}; the maps other services read are named in {@code
 * StateMaps}), serves the internal registration endpoints the coordinator calls and the nodes and
 * routes admin API, and sweeps for passed key expiries and ephemeral nodes offline too long.
 * Cross-instance decisions live in {@code keys-claims.*} maps ({@link NodeClaims}).
 *
 * <p>Thread-safety: started once by the service host; its parts are thread-safe.
 */
public final class KeysService implements TrellisService {
  private final Clock clock;
  private final KeysOptions options;
  private final List<Projection> projections = List.of(new NodeProjection());
  private Sweep sweep;

  /** The service with the system clock and default timers. */
  public KeysService() {
    this(Clock.systemUTC(), KeysOptions.DEFAULTS);
  }

  /** The service with a given clock and timers. */
  public KeysService(Clock clock, KeysOptions options) {
    this.clock = clock;
    this.options = options;
  }

  @Override
  public String name() {
    return "keys";
  }

  @Override
  public List<String> topics() {
    return List.of(Topics.KEYS);
  }

  @Override
  public List<Projection> projections() {
    return projections;
  }

  @Override
  public Future<Void> start(ServiceContext ctx) {
    CommandThreads threads = ctx.commands();
    Events events = new Events(clock);
    var auth = ctx.authenticator(clock);
    var store = new NodeStore(ctx.hazelcast());
    var tailnets = new Tailnets(ctx.hazelcast());
    var claims = new NodeClaims(ctx.hazelcast(), store);
    var log = new KeysLog(ctx.eventLog(), () -> ctx.projections().awaitCaughtUp());
    var commands = new NodeCommands(store, claims, log, events, clock);
    var registration = new Registration(tailnets, store, claims, log, events, clock);
    new InternalNodeRoutes(auth, threads, registration, commands, store).mount(ctx.router());
    new NodeRoutes(auth, threads, commands, store, tailnets, new TagDefinitions(ctx.hazelcast()))
        .mount(ctx.router());
    new RouteApprovalRoutes(auth, threads, commands, store, tailnets).mount(ctx.router());
    sweep =
        new Sweep(
            store,
            commands,
            clock,
            options.sweepInterval(),
            options.ephemeralGrace(),
            ctx.meters());
    sweep.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    if (sweep != null) {
      sweep.stop();
    }
    return Future.succeededFuture();
  }
}
