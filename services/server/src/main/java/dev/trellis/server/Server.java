package dev.trellis.server;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.kafka.embedded.EmbeddedKafka;
import dev.trellis.kafka.embedded.EmbeddedKafkaOptions;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.config.ConfigException;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.config.StateDirectory;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.EventLogOptions;
import dev.trellis.runtime.metrics.HazelcastLoad;
import dev.trellis.runtime.metrics.PrometheusMetrics;
import dev.trellis.runtime.projection.Projection;
import dev.trellis.runtime.service.Infrastructure;
import dev.trellis.runtime.service.ServiceHost;
import dev.trellis.runtime.service.TrellisService;
import dev.trellis.runtime.service.VertxSetup;
import dev.trellis.runtime.state.EmbeddedMember;
import dev.trellis.server.admin.ReplayVerifyRoutes;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server process: the all-in-one (embedded Kafka broker, a Hazelcast member and every service)
 * or a single service against external Kafka and Hazelcast. Starts the parts in dependency order
 * and stops them in reverse.
 *
 * <p>Thread-safety: {@link #start} and {@link #close} are called from the main thread and the
 * shutdown hook; {@link #close} is idempotent.
 */
public final class Server implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Server.class);

  private final Settings settings;
  private EmbeddedKafka kafka;
  private PrometheusMetrics metrics;
  private Vertx vertx;
  private HazelcastInstance hazelcast;
  private EventLog eventLog;
  private ServiceHost host;
  private List<TrellisService> services = List.of();
  private boolean closed;

  private Server(Settings settings) {
    this.settings = settings;
  }

  /** Starts a server as {@code settings} say; blocks until it serves or fails. */
  public static Server start(Settings settings) throws Exception {
    Server server = new Server(settings);
    try {
      server.run();
      return server;
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  private void run() throws Exception {
    Path stateDir = StateDirectory.check(settings.stateDir());
    // Everything in the state directory is private to the service user: the event log of the
    // embedded broker, keys, the admin token (existing files are fixed, new ones made private).
    StateDirectory.makePrivate(stateDir);
    services = ServiceCatalog.select(settings);
    String bootstrap = settings.kafkaBootstrapServers();
    if (bootstrap.isEmpty()) {
      if (!ServiceCatalog.ALL.equals(settings.service())) {
        throw new ConfigException(
            "--service "
                + settings.service()
                + " runs one service against an external Kafka: set --kafka-bootstrap"
                + " (TRELLIS_KAFKA_BOOTSTRAP)");
      }
      Path kafkaDir = stateDir.resolve("kafka");
      try {
        Files.createDirectories(kafkaDir);
      } catch (IOException e) {
        throw new ConfigException(
            "--state-dir: cannot create " + kafkaDir + ": " + e.getMessage(), e);
      }
      kafka = new EmbeddedKafka(EmbeddedKafkaOptions.of(kafkaDir));
      bootstrap = kafka.start();
      LOG.info("Embedded Kafka broker (KRaft) at {} with its log in {}", bootstrap, kafkaDir);
    }
    metrics = PrometheusMetrics.create("trellis-" + settings.service());
    vertx = VertxSetup.create(metrics);
    hazelcast = EmbeddedMember.start(settings);
    String clientId = "trellis-" + settings.service() + "-" + instanceName();
    Duration kafkaTimeout = settings.values().get(Settings.KAFKA_CONNECT_TIMEOUT);
    try {
      eventLog =
          await(
              EventLog.connect(
                      vertx,
                      EventLogOptions.of(bootstrap, clientId).withConnectDeadline(kafkaTimeout))
                  .toCompletionStage()
                  .toCompletableFuture(),
              kafkaTimeout.plusMinutes(1));
    } catch (Exception e) {
      throw new ConfigException(
          "--kafka-bootstrap: no Kafka broker answered at "
              + bootstrap
              + " within --kafka-connect-timeout "
              + kafkaTimeout
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
    eventLog.bindMetrics(metrics.registry());
    HazelcastLoad.bind(hazelcast, metrics.registry());
    host =
        ServiceHost.create(
            new Infrastructure(vertx, settings, hazelcast, eventLog, metrics), services);
    List<Projection> projections = new ArrayList<>();
    services.forEach(s -> projections.addAll(s.projections()));
    new ReplayVerifyRoutes(
            vertx,
            eventLog,
            hazelcast,
            new ApiTokenAuthenticator(vertx, hazelcast, Clock.systemUTC()),
            projections)
        .mount(host.router());
    await(host.start().toCompletionStage().toCompletableFuture(), Duration.ofMinutes(5));
  }

  /**
   * A name that stays the same when this instance restarts (host and HTTP port), so its Kafka
   * consumers keep their static group membership; with a random port, the process id.
   */
  private String instanceName() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "localhost";
    }
    return host
        + "-"
        + (settings.httpPort() != 0 ? settings.httpPort() : "pid" + ProcessHandle.current().pid());
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> f, Duration timeout)
      throws Exception {
    try {
      return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      throw e;
    } catch (TimeoutException e) {
      throw new IllegalStateException("startup did not finish within " + timeout, e);
    }
  }

  /** The HTTP port the server listens on. */
  public int httpPort() {
    return host == null ? -1 : host.httpPort();
  }

  /** The process's Vert.x (tests watch its event loops for blocking). */
  public Vertx vertx() {
    return vertx;
  }

  /** The port {@code /metrics} is served on; -1 when off. */
  public int metricsPort() {
    return host == null ? -1 : host.metricsPort();
  }

  /**
   * What this process listens on besides the HTTP port, as {@code kind -> address} lines for the
   * startup summary: the relay's TLS port, STUN and the UDP relay's session ports, with the address
   * they are bound to.
   */
  public java.util.Map<String, String> otherListeners() {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    for (TrellisService s : services) {
      if (s instanceof dev.trellis.relay.RelayService relay && relay.relayPort() > 0) {
        out.put("relay", "tls " + relay.bindHost() + ":" + relay.relayPort());
        if (relay.stunPort() > 0) {
          out.put("stun", "udp " + relay.bindHost() + ":" + relay.stunPort());
        }
        if (relay.udpRelay() != null) {
          out.put("udp-relay", "udp " + relay.bindHost() + ":" + relay.udpRelayPorts());
        }
      }
    }
    return out;
  }

  /** The Kafka bootstrap address in use (the embedded broker's, or the external one). */
  public String kafkaBootstrap() {
    return kafka != null ? kafka.bootstrapServers() : settings.kafkaBootstrapServers();
  }

  /** Stops every part in reverse order; safe to call twice and after a failed start. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (host != null) {
      quietly(
          () -> host.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    }
    if (eventLog != null) {
      quietly(eventLog::close);
    }
    if (vertx != null) {
      quietly(
          () -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    }
    if (hazelcast != null) {
      quietly(hazelcast::shutdown);
    }
    if (metrics != null) {
      quietly(metrics::close);
    }
    if (kafka != null) {
      quietly(kafka::close);
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void quietly(Step step) {
    try {
      step.run();
    } catch (Exception e) {
      LOG.warn("shutdown step failed: {}", e.toString());
    }
  }
}
