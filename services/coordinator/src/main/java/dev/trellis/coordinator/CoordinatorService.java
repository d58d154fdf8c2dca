package dev.trellis.coordinator;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import dev.trellis.coordinator.channel.ChannelMetrics;
import dev.trellis.coordinator.channel.ChannelRoutes;
import dev.trellis.coordinator.controlkey.ControlKeyStore;
import dev.trellis.coordinator.feed.ModelFeed;
import dev.trellis.coordinator.loop.ModelLoop;
import dev.trellis.coordinator.netmap.NetmapFrames;
import dev.trellis.coordinator.netmap.NetmapModel;
import dev.trellis.coordinator.policy.PolicyVisibility;
import dev.trellis.coordinator.presence.Presence;
import dev.trellis.coordinator.register.PendingLogins;
import dev.trellis.coordinator.register.Registrar;
import dev.trellis.coordinator.register.RegistrationMetrics;
import dev.trellis.coordinator.report.Reports;
import dev.trellis.coordinator.routes.RouteStates;
import dev.trellis.coordinator.stream.StreamHub;
import dev.trellis.proto.channel.HandshakeResponder;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.key.MachinePrivateKey;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ListenerLimits;
import dev.trellis.runtime.http.ReadinessCheck;
import dev.trellis.runtime.internal.InternalClient;
import dev.trellis.runtime.service.ServiceContext;
import dev.trellis.runtime.service.TrellisService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The coordinator service, the devices' front door: the control key and the encrypted device
 * channel ({@code /control/v1/key}, {@code /control/v1/channel}), registration, the netmap stream
 * with deltas and the devices' reports. It owns the topic {@code trellis.coordinator}. Every
 * instance follows the keys, ipam, coordinator, identity and relay topics into its own in-memory
 * model, so a change made through any instance reaches the streams of all of them.
 *
 * <p>Parts: {@link ControlKeyStore} (the key), {@link ChannelRoutes}/{@code DeviceChannel} (the
 * WebSocket and its records), {@link Registrar} (registration), {@link ModelFeed} → {@link
 * NetmapModel} → {@link StreamHub} (model and streams, on the {@link ModelLoop}), {@link Reports}
 * and {@link Presence} (what devices report, online/offline).
 *
 * <p>Thread-safety: started once by the service host.
 */
public final class CoordinatorService implements TrellisService {
  private static final long KEEPALIVE_NANOS = Duration.ofSeconds(15).toNanos();
  private static final long RESUME_WINDOW_NANOS = Duration.ofMinutes(2).toNanos();
  private static final int BUFFER_FRAMES = 256;

  /** How long peer patches are held to be sent together; 0 sends each at once. */
  private static final long COALESCE_MS = Long.getLong("trellis.coordinator.coalesceMs", 25);

  /**
   * The grace before a router (primary for a subnet, or an exit node) whose last stream closed is
   * said offline, so that its prefixes move to a standby router well within 5 s.
   */
  private static final long ROUTER_GRACE_MS =
      Long.getLong("trellis.coordinator.routerOfflineGraceMs", 1_000);

  /** How often keepalives, the presence sweep and dead-instance take-overs run. */
  private static final long SWEEP_MS = 250;

  private final Clock clock;
  private final Duration offlineGrace;
  private ModelFeed feed;
  private long timer = -1;
  private UUID membership;
  private long flushTimer = -1;
  private ServiceContext ctx;

  public CoordinatorService() {
    this(
        Clock.systemUTC(),
        Duration.ofMillis(Long.getLong("trellis.coordinator.offlineGraceMs", 5_000)));
  }

  /** With an injected clock and the grace before a node whose streams closed is offline. */
  public CoordinatorService(Clock clock, Duration offlineGrace) {
    this.clock = clock;
    this.offlineGrace = offlineGrace;
  }

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
    this.ctx = ctx;
    Context context = ctx.vertx().getOrCreateContext();
    return ctx.vertx()
        .executeBlocking(() -> ControlKeyStore.load(ctx.hazelcast(), ctx.settings().stateDir()))
        .compose(key -> wire(ctx, context, key));
  }

  private Future<Void> wire(ServiceContext ctx, Context context, MachinePrivateKey key) {
    var vertx = ctx.vertx();
    // The Hazelcast member's id, so that survivors know whose claims to take over when it leaves.
    String instanceId = ctx.hazelcast().getCluster().getLocalMember().getUuid().toString();
    PolicyVisibility policy = new PolicyVisibility();
    NetmapModel model = new NetmapModel(policy);
    StreamHub hub =
        new StreamHub(
            model,
            new NetmapFrames(policy),
            clock,
            System::nanoTime,
            BUFFER_FRAMES,
            KEEPALIVE_NANOS,
            RESUME_WINDOW_NANOS);
    for (MapResponse.FrameCase kind : MapResponse.FrameCase.values()) {
      String k = kind.name().toLowerCase(Locale.ROOT);
      FunctionCounter.builder(
              "trellis_coordinator_frames_sent_total", hub, h -> h.framesSent().getOrDefault(k, 0L))
          .tag("kind", k)
          .register(ctx.meters());
    }
    hub.coalescePatches(COALESCE_MS > 0);
    ModelLoop loop = new ModelLoop(context, model, hub);
    Gauge.builder("trellis_coordinator_map_sessions", hub, StreamHub::sessions)
        .register(ctx.meters());
    Events events = new Events(clock);
    InternalClient client = ctx.internalClient(name());
    PendingLogins pending = new PendingLogins(vertx, ctx.hazelcast());
    Presence presence =
        new Presence(
            vertx,
            ctx.hazelcast(),
            ctx.eventLog(),
            events,
            clock,
            instanceId,
            offlineGrace.toNanos(),
            Math.min(offlineGrace.toNanos(), Duration.ofMillis(ROUTER_GRACE_MS).toNanos()),
            Counter.builder("trellis_coordinator_offline_total").register(ctx.meters()));
    Registrar registrar =
        new Registrar(vertx, client, loop, pending, new RegistrationMetrics(ctx.meters()));
    ChannelMetrics channelMetrics = new ChannelMetrics(ctx.meters());
    Reports reports = new Reports(ctx.eventLog(), events, client, channelMetrics.badInput());
    DeviceDispatch dispatch =
        new DeviceDispatch(
            loop, registrar, reports, presence, System::nanoTime, channelMetrics::unwritten);
    ListenerLimits limits = ListenerLimits.from(ctx.settings());
    new ChannelRoutes(
            key.publicKey(),
            new HandshakeResponder(key),
            dispatch,
            channelMetrics,
            ChannelRoutes.DEFAULT_MAX_PENDING_BYTES,
            limits.handshakeTimeout(),
            limits.idleTimeout())
        .mount(ctx.router());
    RouteStates routeStates = new RouteStates(vertx, context, ctx.hazelcast());
    feed =
        new ModelFeed(
            ctx.eventLog(),
            loop,
            pending,
            routeStates,
            List.of(
                Topics.KEYS,
                Topics.IPAM,
                Topics.COORDINATOR,
                Topics.IDENTITY,
                Topics.RELAY,
                Topics.POLICY));
    ctx.ready(name(), "netmap", ReadinessCheck.reason(feed::behind));
    membership =
        ctx.hazelcast()
            .getCluster()
            .addMembershipListener(
                new MembershipListener() {
                  @Override
                  public void memberAdded(MembershipEvent e) {}

                  @Override
                  public void memberRemoved(MembershipEvent e) {
                    String dead = e.getMember().getUuid().toString();
                    loop.call(
                        (m, h) -> {
                          presence.memberLeft(dead, System.nanoTime());
                          return null;
                        });
                  }
                });
    timer =
        vertx.setPeriodic(
            SWEEP_MS,
            id ->
                loop.call(
                    (m, h) -> {
                      h.tick();
                      presence.sweep(System.nanoTime(), h::attached);
                      presence.reapLeft(
                          System.nanoTime(),
                          dead ->
                              m.heldBy(dead).stream()
                                  .map(n -> new Presence.NodeRef(n.id(), n.tailnetId()))
                                  .toList());
                      return null;
                    }));
    if (COALESCE_MS > 0) {
      flushTimer =
          vertx.setPeriodic(
              COALESCE_MS,
              id ->
                  loop.call(
                      (m, h) -> {
                        h.flush();
                        return null;
                      }));
    }
    return ctx.eventLog()
        .ensureTopics(
            List.of(
                Topics.KEYS,
                Topics.IPAM,
                Topics.COORDINATOR,
                Topics.IDENTITY,
                Topics.RELAY,
                Topics.POLICY))
        .compose(v -> feed.start())
        .compose(v -> caughtUp(System.nanoTime() + Duration.ofMinutes(2).toNanos()))
        .compose(
            v ->
                loop.<Void>call(
                    (m, h) -> {
                      routeStates.caughtUp();
                      return null;
                    }));
  }

  private Future<Void> caughtUp(long deadline) {
    String behind = feed.behind();
    if (behind == null) {
      return Future.succeededFuture();
    }
    if (System.nanoTime() > deadline) {
      return Future.failedFuture(new IllegalStateException("not caught up: " + behind));
    }
    return ctx.vertx().timer(20).compose(v -> caughtUp(deadline));
  }

  @Override
  public Future<Void> stop() {
    if (ctx != null && membership != null) {
      ctx.hazelcast().getCluster().removeMembershipListener(membership);
    }
    if (ctx != null && timer >= 0) {
      ctx.vertx().cancelTimer(timer);
    }
    if (ctx != null && flushTimer >= 0) {
      ctx.vertx().cancelTimer(flushTimer);
    }
    return feed == null ? Future.succeededFuture() : feed.stop();
  }
}
