package dev.trellis.identity;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.kafka.embedded.EmbeddedKafka;
import dev.trellis.kafka.embedded.EmbeddedKafkaOptions;
import dev.trellis.proto.event.Topics;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.EventLogOptions;
import dev.trellis.runtime.metrics.PrometheusMetrics;
import dev.trellis.runtime.service.Infrastructure;
import dev.trellis.runtime.service.ServiceHost;
import dev.trellis.runtime.service.VertxSetup;
import dev.trellis.runtime.state.EmbeddedMember;
import dev.trellis.testkit.Api;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two identity instances sharing state, as in production: one real Kafka broker, two real Hazelcast
 * members in one cluster, two Vert.x instances and two service hosts with their own HTTP ports.
 * Started once per test JVM (tests share it; each test makes its own tailnets) and closed when the
 * JVM's tests end.
 */
final class IdentityCluster implements AutoCloseable {
  private static IdentityCluster shared;

  final TestClock clock = new TestClock();
  final Path dir;
  final EmbeddedKafka kafka;
  final List<Node> nodes = new ArrayList<>();
  final String adminToken;

  /** One identity instance. */
  record Node(
      Vertx vertx,
      HazelcastInstance hazelcast,
      EventLog log,
      PrometheusMetrics metrics,
      ServiceHost host,
      Api anonymous) {}

  /** The cluster for this test JVM, started on first use. */
  static synchronized IdentityCluster get(ExtensionContext context) throws Exception {
    if (shared == null) {
      shared = new IdentityCluster();
      IdentityCluster started = shared;
      context
          .getRoot()
          .getStore(ExtensionContext.Namespace.GLOBAL)
          .put("identity-cluster", started);
    }
    return shared;
  }

  private IdentityCluster() throws Exception {
    dir = Files.createTempDirectory("identity-test");
    kafka =
        new EmbeddedKafka(EmbeddedKafkaOptions.of(Files.createDirectories(dir.resolve("kafka"))));
    String bootstrap = kafka.start();
    int portA = freePort();
    int portB = freePort();
    String cluster = "identity-" + UUID.randomUUID();
    nodes.add(start("a", bootstrap, portA, portB, cluster));
    adminToken = Files.readString(dir.resolve("state-a").resolve("admin-token")).strip();
    nodes.add(start("b", bootstrap, portB, portA, cluster));
  }

  private Node start(String name, String bootstrap, int hzPort, int otherPort, String cluster)
      throws Exception {
    Path state = Files.createDirectories(dir.resolve("state-" + name));
    Settings settings =
        Settings.parse(
            new String[] {
              "--http-host",
              "127.0.0.1",
              "--http-port",
              "0",
              "--state-dir",
              state.toString(),
              "--hazelcast-port",
              "" + hzPort,
              "--hazelcast-interface",
              "127.0.0.1",
              "--hazelcast-members",
              "127.0.0.1:" + otherPort,
              "--hazelcast-cluster",
              cluster
            },
            Map.of());
    HazelcastInstance hz = EmbeddedMember.start(settings);
    PrometheusMetrics metrics = PrometheusMetrics.create("identity-" + name);
    Vertx vertx = VertxSetup.create(metrics);
    EventLog log =
        EventLog.connect(
                vertx,
                EventLogOptions.of(bootstrap, "identity-" + name)
                    .withPartitions(2)
                    .withConnectDeadline(Duration.ofSeconds(30)))
            .await();
    log.ensureTopics(Topics.all()).await();
    var console = new PrintStream(new ByteArrayOutputStream());
    ServiceHost host =
        ServiceHost.start(
                new Infrastructure(vertx, settings, hz, log, metrics),
                List.of(new IdentityService(clock, console)))
            .await();
    return new Node(
        vertx, hz, log, metrics, host, new Api("http://127.0.0.1:" + host.httpPort(), null));
  }

  /** The admin API of instance {@code i} with {@code token}. */
  Api api(int i, String token) {
    return nodes.get(i).anonymous().as(token);
  }

  /** The deployment administrator's API on instance {@code i}. */
  Api admin(int i) {
    return api(i, adminToken);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    for (Node n : nodes.reversed()) {
      n.host().stop().await();
      n.log().close();
      n.vertx().close().await();
      n.hazelcast().shutdown();
      n.metrics().close();
    }
    kafka.close();
  }
}
