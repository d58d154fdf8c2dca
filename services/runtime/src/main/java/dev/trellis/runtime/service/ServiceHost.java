package dev.trellis.runtime.service;

import dev.trellis.proto.event.Topics;
import dev.trellis.runtime.access.ServiceCredentials;
import dev.trellis.runtime.audit.RefusalAudit;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.http.ApiRouter;
import dev.trellis.runtime.http.ConnectionGuard;
import dev.trellis.runtime.http.Readiness;
import dev.trellis.runtime.http.ReadinessCheck;
import dev.trellis.runtime.internal.ServiceDirectory;
import dev.trellis.runtime.state.EmbeddedMember;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a list of {@link TrellisService}s in one process. {@link #start}: one HTTP server on the
 * configured port with {@code /healthz} and {@code /readyz} (listening at once, so health is
 * visible while services start), and Prometheus {@code /metrics} on its own listener ({@code
 * --metrics-listen}, loopback by default: never on the API port, which faces devices and the
 * internet); then each service's topics are created and the service is deployed as a verticle
 * ({@link ServiceVerticle}, which also does the preamble every service shares: its up gauge, its
 * projections, its command threads), in list order. Both listeners bound what clients may hold
 * ({@link ConnectionGuard}: header, body, keep-alive and TLS deadlines, connections per source),
 * and refused requests are recorded ({@link RefusalAudit}). {@code /readyz} answers 503 until every
 * service has started, while the Hazelcast member lacks members, while the services' Kafka topics
 * cannot be read, when a service's own checks fail and once shutdown begins. {@link #stop}:
 * readiness goes down, the HTTP server drains in-flight requests, services are undeployed in
 * reverse order; the whole stop is bounded by {@code --shutdown-timeout}, after which the remaining
 * steps are abandoned with a log line.
 *
 * <p>Thread-safety: {@link #start} and {@link #stop} may be called from any thread; state is
 * guarded by atomics and Vert.x futures.
 */
public final class ServiceHost {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceHost.class);

  private final Infrastructure infra;
  private final List<TrellisService> services;
  private final Readiness readiness = new Readiness(Duration.ofSeconds(2));
  private final List<String> deployments = new ArrayList<>();
  private final AtomicReference<String> phase = new AtomicReference<>("starting");
  private final Router router;
  private final HttpListeners listeners;
  private final ServiceCredentials credentials;
  private final ServiceDirectory directory;
  private final RefusalAudit refusals;

  /** Like refusals within this long are recorded as one event with their count. */
  public static final Duration REFUSAL_WINDOW = Duration.ofMinutes(1);

  private ServiceHost(Infrastructure infra, List<TrellisService> services) {
    this.infra = infra;
    this.services = List.copyOf(services);
    Set<String> names = new HashSet<>();
    for (TrellisService service : services) {
      if (!names.add(service.name())) {
        throw new IllegalArgumentException("two services are called " + service.name());
      }
    }
    this.credentials = ServiceCredentials.open(infra.hazelcast(), java.time.Clock.systemUTC());
    this.directory = new ServiceDirectory(infra.hazelcast());
    this.refusals =
        new RefusalAudit(
            infra.vertx(),
            infra.eventLog(),
            infra.hazelcast(),
            services.size() == 1 ? services.getFirst().name() : infra.settings().service(),
            infra.metrics().registry(),
            java.time.Clock.systemUTC(),
            REFUSAL_WINDOW);
    this.listeners = new HttpListeners(infra);
    this.router =
        ApiRouter.builder(infra.vertx())
            .maxBodyBytes(infra.settings().httpMaxBodyBytes())
            .readiness(readiness)
            .refusals(refusals)
            .bodyTimeout(listeners.limits().bodyTimeout(), listeners.api()::bodyTimedOut)
            .build();
  }

  /** Creates and {@link #start()}s a host; the future holds the running host. */
  public static Future<ServiceHost> start(Infrastructure infra, List<TrellisService> services) {
    ServiceHost host = create(infra, services);
    return host.start().map(host);
  }

  /** A host that has not started yet (see {@link #start()}). */
  public static ServiceHost create(Infrastructure infra, List<TrellisService> services) {
    return new ServiceHost(infra, services);
  }

  /**
   * Starts the HTTP server and then every service, in order; {@link #httpPort()} is known as soon
   * as the server listens. On failure, what had started is stopped and the future fails.
   */
  public Future<Void> start() {
    return run().recover(e -> stop().transform(ignored -> Future.<Void>failedFuture(e)));
  }

  private Future<Void> run() {
    Settings settings = infra.settings();
    readiness.register(
        "services",
        ReadinessCheck.reason(() -> "running".equals(phase.get()) ? null : phase.get()));
    readiness.register(
        "hazelcast",
        ReadinessCheck.when(
            () -> EmbeddedMember.joined(infra.hazelcast(), settings.hazelcastMinMembers()),
            "fewer than " + settings.hazelcastMinMembers() + " member(s) or not running"));
    Future<Void> chain =
        listeners
            .start(router)
            // Every process records refused requests on the access topic (RefusalAudit).
            .compose(v -> infra.eventLog().ensureTopics(List.of(Topics.ACCESS)))
            .map(
                v -> {
                  refusals.start();
                  return (Void) null;
                });
    for (TrellisService service : services) {
      chain = chain.compose(ignored -> deploy(service));
    }
    return chain.map(
        ignored -> {
          registerKafkaCheck();
          phase.compareAndSet("starting", "running");
          LOG.info("{} service(s) running", services.size());
          return null;
        });
  }

  /**
   * Kafka is reachable when the end offsets of every service topic can be read (each partition has
   * a leader); asked at most every two seconds however often {@code /readyz} is probed.
   */
  private void registerKafkaCheck() {
    List<String> topics = services.stream().flatMap(s -> s.topics().stream()).distinct().toList();
    if (topics.isEmpty()) {
      return;
    }
    ReadinessCheck kafka =
        () ->
            infra
                .eventLog()
                .endOffsets(topics)
                .<Void>mapEmpty()
                .recover(
                    e ->
                        Future.failedFuture(
                            new IllegalStateException("Kafka unreachable: " + e.getMessage())));
    readiness.register("kafka", kafka.cachedFor(Duration.ofSeconds(2)));
  }

  private Future<Void> deploy(TrellisService service) {
    List<String> topics = service.topics();
    Future<Void> topicsReady =
        topics.isEmpty() ? Future.succeededFuture() : infra.eventLog().ensureTopics(topics);
    return topicsReady
        .compose(
            ignored ->
                infra
                    .vertx()
                    .deployVerticle(
                        new ServiceVerticle(
                            service, infra, router, readiness, credentials, directory),
                        new DeploymentOptions().setThreadingModel(service.threadingModel())))
        .compose(
            id -> {
              synchronized (deployments) {
                deployments.add(id);
              }
              return Future.fromCompletionStage(
                  directory.register(
                      service.name(),
                      ServiceDirectory.baseUrl(
                          infra.hazelcast().getCluster().getLocalMember(),
                          infra.settings().httpHost(),
                          listeners.httpPort())));
            })
        .map(
            ignored -> {
              LOG.info("service {} started", service.name());
              return (Void) null;
            })
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "service " + service.name() + " failed to start: " + e.getMessage(), e)));
  }

  /** The router (services mount routes through their context; tests may add more). */
  public Router router() {
    return router;
  }

  /** The readiness registry behind {@code /readyz}. */
  public Readiness readiness() {
    return readiness;
  }

  /** The port {@code /metrics} is served on; -1 when off or not listening yet. */
  public int metricsPort() {
    return listeners.metricsPort();
  }

  /** The port the HTTP server listens on (useful with {@code --http-port 0}). */
  public int httpPort() {
    return listeners.httpPort();
  }

  /**
   * Stops gracefully: not ready, HTTP drained, services undeployed in reverse order; completes
   * within the shutdown timeout even if a step hangs. Safe to call more than once.
   */
  public Future<Void> stop() {
    if ("stopped".equals(phase.getAndSet("shutting down"))) {
      phase.set("stopped");
      return Future.succeededFuture();
    }
    Vertx vertx = infra.vertx();
    Duration timeout = infra.settings().shutdownTimeout();
    long deadline = System.nanoTime() + timeout.toNanos();
    Future<Void> chain = listeners.shutdown(Math.max(1, timeout.toMillis() / 3));
    refusals.stop();
    for (TrellisService service : services) {
      try {
        directory.unregister(service.name());
      } catch (RuntimeException e) {
        LOG.debug("could not unregister {}: {}", service.name(), e.toString());
      }
    }
    List<String> reversed;
    synchronized (deployments) {
      reversed = new ArrayList<>(deployments).reversed();
      deployments.clear();
    }
    for (String id : reversed) {
      chain =
          chain.compose(
              ignored -> vertx.undeploy(id),
              e -> {
                LOG.warn("shutdown step failed: {}", e.toString());
                return vertx.undeploy(id);
              });
    }
    Promise<Void> done = Promise.promise();
    long remainingMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    long timer =
        vertx.setTimer(
            remainingMs,
            id -> {
              if (done.tryComplete()) {
                LOG.warn("shutdown did not finish within {} ms; giving up", timeout.toMillis());
              }
            });
    chain.onComplete(
        result -> {
          vertx.cancelTimer(timer);
          if (result.failed()) {
            LOG.warn("shutdown step failed: {}", result.cause().toString());
          }
          if (done.tryComplete()) {
            LOG.info("all services stopped");
          }
        });
    return done.future().onComplete(ignored -> phase.set("stopped"));
  }
}
