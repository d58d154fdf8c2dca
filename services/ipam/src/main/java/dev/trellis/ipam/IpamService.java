package dev.trellis.ipam;

import dev.trellis.ipam.address.AddressPool;
import dev.trellis.ipam.allocate.AddressClaims;
import dev.trellis.ipam.allocate.Allocator;
import dev.trellis.ipam.api.AllocationRoutes;
import dev.trellis.ipam.journal.IpamLog;
import dev.trellis.ipam.projection.AllocationProjection;
import dev.trellis.ipam.projection.AllocationStore;
import dev.trellis.ipam.release.ReleaseOnRemoval;
import dev.trellis.proto.event.Topics;
import dev.trellis.runtime.config.Flag;
import dev.trellis.runtime.config.ValueType;
import dev.trellis.runtime.projection.Projection;
import dev.trellis.runtime.service.CommandThreads;
import dev.trellis.runtime.service.ServiceContext;
import dev.trellis.runtime.service.TrellisService;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The ipam service: each node of a tailnet gets one IPv4 address from 100.64.0.0/10 and one IPv6
 * address from fd7a:115c:a1e0::/48 ({@link AddressPool}), never two live nodes one address. Its
 * parts: the allocation projection of {@code trellis.ipam} in Hazelcast ({@link
 * AllocationProjection}, rebuilt by replay), the decisions made across instances with per-node
 * locks, per-address claims and a per-tailnet cursor ({@link Allocator}, {@link AddressClaims}),
 * the release of a removed node's addresses after a cool-down ({@link ReleaseOnRemoval}, consuming
 * {@code trellis.keys}), and the endpoints ({@link AllocationRoutes}).
 *
 * <p>Thread-safety: started once by the service host; its parts are thread-safe.
 */
public final class IpamService implements TrellisService {
  /** How long released addresses wait before another node may get them. */
  public static final Flag<Duration> RELEASE_COOL_DOWN =
      Flag.of(
          "--ipam-release-cool-down",
          "TRELLIS_IPAM_RELEASE_COOL_DOWN",
          ValueType.duration(),
          "1h",
          "How long a removed node's addresses wait before another node may get them.");

  /** The flags of this service, for a process that runs it to declare. */
  public static final List<Flag<?>> FLAGS = List.of(RELEASE_COOL_DOWN);

  private static final Duration DEFAULT_COOL_DOWN = Duration.ofHours(1);

  private final Clock clock;
  private final Duration coolDown;
  private final AddressPool pool;
  private final List<Projection> projections = List.of(new AllocationProjection());
  private ReleaseOnRemoval releases;

  /** The service with the system clock; the cool-down from {@link #RELEASE_COOL_DOWN}. */
  public IpamService() {
    this(Clock.systemUTC(), null, AddressPool.standard());
  }

  /** The service with a given clock and cool-down. */
  public IpamService(Clock clock, Duration coolDown) {
    this(clock, coolDown, AddressPool.standard());
  }

  /** The service with a given pool (tests of exhaustion use a small one). */
  IpamService(Clock clock, Duration coolDown, AddressPool pool) {
    if (coolDown != null && coolDown.isNegative()) {
      throw new IllegalArgumentException("cool-down must not be negative: " + coolDown);
    }
    this.clock = clock;
    this.coolDown = coolDown;
    this.pool = pool;
  }

  @Override
  public String name() {
    return "ipam";
  }

  @Override
  public List<String> topics() {
    return List.of(Topics.IPAM);
  }

  @Override
  public List<Projection> projections() {
    return projections;
  }

  @Override
  public Future<Void> start(ServiceContext ctx) {
    CommandThreads threads = ctx.commands();
    var store = new AllocationStore(ctx.hazelcast());
    var allocator =
        new Allocator(
            pool,
            ctx.hazelcast(),
            store,
            new AddressClaims(ctx.hazelcast()),
            new IpamLog(ctx.eventLog()),
            clock,
            coolDown(ctx),
            ctx.meters());
    var auth = ctx.authenticator(clock);
    new AllocationRoutes(auth, threads, allocator, store).mount(ctx.router());
    releases = ReleaseOnRemoval.start(ctx.eventLog(), threads, allocator);
    return Future.succeededFuture();
  }

  /** The given cool-down, else the flag's value when the process declared it, else one hour. */
  private Duration coolDown(ServiceContext ctx) {
    if (coolDown != null) {
      return coolDown;
    }
    try {
      return ctx.settings().values().get(RELEASE_COOL_DOWN);
    } catch (IllegalArgumentException notDeclared) {
      return DEFAULT_COOL_DOWN;
    }
  }

  @Override
  public Future<Void> stop() {
    return releases == null ? Future.succeededFuture() : releases.stop();
  }
}
