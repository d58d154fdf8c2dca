package dev.trellis.relay;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.RelayInstanceStarted;
import dev.trellis.proto.key.RelayPrivateKey;
import dev.trellis.proto.relay.Frames;
import dev.trellis.relay.auth.NodeAuthorizer;
import dev.trellis.relay.config.RelayFlags;
import dev.trellis.relay.config.RelayOptions;
import dev.trellis.relay.fleet.DeadInstanceReaper;
import dev.trellis.relay.fleet.FleetEvents;
import dev.trellis.relay.forward.Forwarder;
import dev.trellis.relay.forward.QueueBudget;
import dev.trellis.relay.forward.RelayMetrics;
import dev.trellis.relay.mesh.InstanceRecord;
import dev.trellis.relay.mesh.MeshLinks;
import dev.trellis.relay.mesh.Presence;
import dev.trellis.relay.revalidation.Revalidation;
import dev.trellis.relay.server.RelayListener;
import dev.trellis.relay.server.Sessions;
import dev.trellis.relay.stun.SourceRate;
import dev.trellis.relay.stun.StunServer;
import dev.trellis.relay.tls.RelayCertificate;
import dev.trellis.relay.udprelay.UdpRelay;
import dev.trellis.runtime.config.Flag;
import dev.trellis.runtime.http.ConnectionGuard;
import dev.trellis.runtime.http.ListenerLimits;
import dev.trellis.runtime.service.ServiceContext;
import dev.trellis.runtime.service.TrellisService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay service: devices that cannot reach each other directly send their (already encrypted)
 * WireGuard and disco packets through it. Its parts: listeners of the relay port ({@link
 * RelayListener}: TLS, HTTP upgrade, the frame protocol of {@code dev.trellis.proto.relay}), node
 * authorization against the key registry ({@link NodeAuthorizer}, {@link Revalidation}), packet
 * routing with per-source fairness ({@link Forwarder}), the mesh between instances ({@link
 * Presence}, {@link MeshLinks}), the fleet events ({@link FleetEvents}, {@link DeadInstanceReaper})
 * STUN ({@link StunServer}) and the UDP relay ({@link UdpRelay}).
 *
 * <p>Thread-safety: started and stopped once by the service host; its parts are thread-safe.
 */
public final class RelayService implements TrellisService {
  private static final Logger LOG = LoggerFactory.getLogger(RelayService.class);

  /** The flags of this service, for a process that runs it to declare. */
  public static final List<Flag<?>> FLAGS = RelayFlags.ALL;

  private final RelayOptions given;
  private final Clock clock;
  private RelayOptions options;
  private String instanceId;
  private Vertx vertx;
  private RelayMetrics metrics;
  private QueueBudget queueBudget;
  private Presence presence;
  private MeshLinks mesh;
  private FleetEvents events;
  private DeadInstanceReaper reaper;
  private Revalidation revalidation;
  private long arrivalsTimer = -1;
  private StunServer stun;
  private UdpRelay udpRelay;
  private ExecutorService presenceWriter;
  private final List<String> deployments = new ArrayList<>();
  private int relayPort;
  private String pin = "";

  /** The service configured by its flags. */
  public RelayService() {
    this(null, Clock.systemUTC());
  }

  /** The service with given options (tests, benchmarks). */
  public RelayService(RelayOptions options, Clock clock) {
    this.given = options;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "relay";
  }

  @Override
  public List<String> topics() {
    return List.of(Topics.RELAY);
  }

  @Override
  public Future<Void> start(ServiceContext ctx) {
    vertx = ctx.vertx();
    options =
        given != null
            ? given
            : RelayOptions.from(ctx.settings().values(), ctx.settings().httpHost());
    byte[] suffix = new byte[4];
    new SecureRandom().nextBytes(suffix);
    instanceId = "relay-" + options.regionCode() + "-" + HexFormat.of().formatHex(suffix);
    metrics = new RelayMetrics(ctx.meters(), instanceId);
    HazelcastInstance hz = ctx.hazelcast();
    var forwarder = new Forwarder(metrics);
    var authorizer = new NodeAuthorizer(vertx, hz, clock);
    presenceWriter =
        Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("relay-presence").daemon().unstarted(r));
    presence = new Presence(hz, instanceId, presenceWriter);
    queueBudget = new QueueBudget(options.queueLimits().budgetBytes());
    metrics.gauge(
        "trellis_relay_queued_bytes",
        "Bytes waiting in the relay's outbound queues (device connections and mesh links)",
        () -> (int) Math.min(Integer.MAX_VALUE, queueBudget.used()));
    mesh =
        new MeshLinks(
            vertx,
            presence,
            () -> ctx.credentials().mint("relay"),
            options.queueLimits().perSourceBytes(),
            queueBudget);
    forwarder.mesh(mesh);
    events = new FleetEvents(ctx.eventLog(), clock);
    revalidation = new Revalidation(vertx, authorizer, forwarder, metrics, clock);
    ListenerLimits limits = ListenerLimits.from(ctx.settings());
    try {
      udpRelay =
          options.udpRelayPorts().enabled()
              ? new UdpRelay(
                      options.bindHost(),
                      options.udpRelayPorts(),
                      UdpRelay.PER_NODE,
                      UdpRelay.OFFER_TTL,
                      UdpRelay.IDLE,
                      metrics,
                      forwarder::local,
                      System::nanoTime)
                  .start()
              : null;
    } catch (java.io.IOException e) {
      return Future.failedFuture(e);
    }
    var sessions =
        new Sessions(
            options,
            RelayPrivateKey.generate(),
            authorizer,
            forwarder,
            metrics,
            ctx.credentials(),
            clock,
            new ConnectionGuard(vertx, "relay", limits, ctx.meters()),
            udpRelay,
            queueBudget);
    return vertx
        .executeBlocking(
            () -> {
              RelayCertificate cert = certificate(ctx);
              presence.start();
              revalidation.start(options.revalidateInterval());
              arrivalsTimer = vertx.setPeriodic(500, id -> forwarder.announceRemoteArrivals());
              if (options.stunPort() >= 0) {
                stun =
                    StunServer.start(
                        options.bindHost(),
                        options.stunPort(),
                        metrics,
                        new SourceRate(StunServer.PER_SOURCE_PER_SECOND, System::nanoTime));
              }
              return cert;
            })
        .compose(cert -> deployListeners(sessions, cert))
        .compose(
            port ->
                vertx.executeBlocking(
                    () -> {
                      relayPort = port;
                      String host = hz.getCluster().getLocalMember().getAddress().getHost();
                      presence.register(
                          new InstanceRecord(
                              instanceId,
                              hz.getCluster().getLocalMember().getUuid().toString(),
                              host,
                              port,
                              pin,
                              options.regionId()));
                      reaper = new DeadInstanceReaper(vertx, hz, presence, events);
                      reaper.start();
                      reaper.reapOrphansLater();
                      return null;
                    }))
        .compose(v -> events.started(startedEvent()))
        .onSuccess(
            v ->
                LOG.info(
                    "relay {} serving on port {} ({}), STUN on {}, UDP relay ports {}",
                    instanceId,
                    relayPort,
                    pin.isEmpty()
                        ? "plain TCP"
                        : (io.vertx.core.net.OpenSSLEngineOptions.isAvailable()
                                ? "TLS by BoringSSL"
                                : "TLS by the JDK")
                            + ", spki "
                            + pin,
                    stunPort(),
                    options.udpRelayPorts()));
  }

  private RelayCertificate certificate(ServiceContext ctx) {
    if (options.insecurePlaintext()) {
      LOG.warn("relay serves plain TCP (--relay-insecure-plaintext): for tests only");
      return null;
    }
    RelayCertificate cert =
        options.certFile().isPresent()
            ? RelayCertificate.read(options.certFile().get(), options.keyFile().get())
            : RelayCertificate.selfSigned(
                ctx.settings().stateDir().resolve("relay"),
                options.hostname(),
                options.addresses());
    pin = cert.spkiSha256();
    return cert;
  }

  private Future<Integer> deployListeners(Sessions sessions, RelayCertificate cert) {
    int n = Math.max(1, Runtime.getRuntime().availableProcessors());
    // Listeners share one socket only when they name the same port, so "any port" is chosen here.
    int wanted = options.relayPort() == 0 ? freePort(options.bindHost()) : options.relayPort();
    RelayListener first = new RelayListener(sessions, cert, wanted);
    return vertx
        .deployVerticle(first)
        .compose(
            id -> {
              deployments.add(id);
              int port = first.actualPort();
              List<Future<String>> more = new ArrayList<>();
              for (int i = 1; i < n; i++) {
                more.add(vertx.deployVerticle(new RelayListener(sessions, cert, port)));
              }
              return Future.all(more)
                  .map(
                      all -> {
                        for (int i = 0; i < all.size(); i++) {
                          deployments.add(all.resultAt(i));
                        }
                        return port;
                      });
            });
  }

  private static int freePort(String host) {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("no free TCP port on " + host, e);
    }
  }

  private RelayInstanceStarted startedEvent() {
    return RelayInstanceStarted.newBuilder()
        .setInstanceId(instanceId)
        .setRegionId(options.regionId())
        .setRegionCode(options.regionCode())
        .setHostname(options.hostname())
        .addAllAddresses(options.addresses())
        .setRelayPort(relayPort)
        .setStunPort(Math.max(0, stunPort()))
        .setTlsSpkiSha256(options.insecurePlaintext() ? Frames.PLAINTEXT_PIN : pin)
        .setVersion(version())
        .build();
  }

  private static String version() {
    String v = RelayService.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  @Override
  public Future<Void> stop() {
    if (vertx == null) {
      return Future.succeededFuture();
    }
    List<Future<?>> undeploys = new ArrayList<>();
    for (String id : deployments) {
      undeploys.add(vertx.undeploy(id));
    }
    return Future.join(undeploys)
        .transform(v -> events.stopped(instanceId, options.regionId(), "shutdown"))
        .transform(
            v ->
                vertx.executeBlocking(
                    () -> {
                      if (stun != null) {
                        stun.close();
                      }
                      if (udpRelay != null) {
                        udpRelay.close();
                      }
                      if (reaper != null) {
                        reaper.stop();
                      }
                      revalidation.stop();
                      vertx.cancelTimer(arrivalsTimer);
                      mesh.close();
                      presence.stop();
                      presence.forgetInstance(instanceId);
                      presenceWriter.shutdown();
                      return null;
                    }))
        .mapEmpty();
  }

  /** This instance's id (after start). */
  public String instanceId() {
    return instanceId;
  }

  /** The TCP port of the relay protocol (after start). */
  public int relayPort() {
    return relayPort;
  }

  /** The address the relay's TLS port and STUN are bound to (after start). */
  public String bindHost() {
    return options == null ? "" : options.bindHost();
  }

  /** The UDP port of STUN, or -1 when off (after start). */
  public int stunPort() {
    return stun == null ? -1 : stun.port();
  }

  /** The TLS pin (lower-case hex SPKI SHA-256), or empty for plain TCP (after start). */
  public String pin() {
    return pin;
  }

  /** The UDP relay's session ports ({@code N-M}, {@code any} or {@code off}; after start). */
  public String udpRelayPorts() {
    return options == null ? "off" : options.udpRelayPorts().toString();
  }

  /** The UDP relay, or null when off (after start). */
  public UdpRelay udpRelay() {
    return udpRelay;
  }

  /** The counters (after start). */
  public RelayMetrics metrics() {
    return metrics;
  }

  /** Bytes waiting in this instance's outbound queues now, with each frame's overhead. */
  public long queuedBytes() {
    return queueBudget.used();
  }
}
