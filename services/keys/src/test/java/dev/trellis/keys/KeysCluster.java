package dev.trellis.keys;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.hazelcast.core.HazelcastInstance;
import dev.trellis.kafka.embedded.EmbeddedKafka;
import dev.trellis.kafka.embedded.EmbeddedKafkaOptions;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.TailnetSettings;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.ApiTokenRecord;
import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.runtime.access.ApiTokenText;
import dev.trellis.runtime.access.ServiceCredentials;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.EventLogOptions;
import dev.trellis.runtime.eventlog.ReplayStart;
import dev.trellis.runtime.metrics.PrometheusMetrics;
import dev.trellis.runtime.service.Infrastructure;
import dev.trellis.runtime.service.ServiceHost;
import dev.trellis.runtime.service.VertxSetup;
import dev.trellis.runtime.state.EmbeddedMember;
import dev.trellis.testkit.Api;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Two key-registry instances sharing state, as in production: one real Kafka broker, two real
 * Hazelcast members in one cluster, two Vert.x instances and two service hosts with their own HTTP
 * ports. Identity is not running: the tests write the identity records the key registry reads
 * (tailnets, API tokens) into identity's maps, the read-only contract in StateMaps. Started once
 * per test JVM and closed when its tests end.
 */
final class KeysCluster implements AutoCloseable {
  private static KeysCluster shared;

  /** Ephemeral nodes are removed after this long offline in the tests. */
  static final java.time.Duration EPHEMERAL_GRACE = java.time.Duration.ofSeconds(1);

  final Path dir;
  final EmbeddedKafka kafka;
  final List<Node> nodes = new ArrayList<>();
  final String adminToken;

  /** One keys instance. */
  record Node(
      Vertx vertx,
      HazelcastInstance hazelcast,
      EventLog log,
      PrometheusMetrics metrics,
      ServiceHost host,
      Api anonymous) {}

  static synchronized KeysCluster get(ExtensionContext context) throws Exception {
    if (shared == null) {
      shared = new KeysCluster();
      context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put("keys-cluster", shared);
    }
    return shared;
  }

  private KeysCluster() throws Exception {
    dir = Files.createTempDirectory("keys-test");
    kafka =
        new EmbeddedKafka(EmbeddedKafkaOptions.of(Files.createDirectories(dir.resolve("kafka"))));
    String bootstrap = kafka.start();
    int portA = freePort();
    int portB = freePort();
    String cluster = "keys-" + UUID.randomUUID();
    nodes.add(start("a", bootstrap, portA, portB, cluster));
    nodes.add(start("b", bootstrap, portB, portA, cluster));
    adminToken = token("", UserRole.OWNER, true);
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
    PrometheusMetrics metrics = PrometheusMetrics.create("keys-" + name);
    Vertx vertx = VertxSetup.create(metrics);
    EventLog log =
        EventLog.connect(
                vertx,
                EventLogOptions.of(bootstrap, "keys-" + name)
                    .withPartitions(2)
                    .withConnectDeadline(java.time.Duration.ofSeconds(30)))
            .await();
    log.ensureTopics(Topics.all()).await();
    var options = new KeysOptions(java.time.Duration.ofMillis(100), EPHEMERAL_GRACE);
    ServiceHost host =
        ServiceHost.start(
                new Infrastructure(vertx, settings, hz, log, metrics),
                List.of(new KeysService(Clock.systemUTC(), options)))
            .await();
    return new Node(
        vertx, hz, log, metrics, host, new Api("http://127.0.0.1:" + host.httpPort(), null));
  }

  /** A new tailnet in identity's maps with the given settings; returns its id. */
  String tailnet(TailnetSettings settings) {
    String id = "tn-" + UUID.randomUUID().toString().substring(0, 8);
    TailnetRecord r =
        TailnetRecord.newBuilder()
            .setTailnetId(id)
            .setName("net-" + id)
            .setCreatedAt(Timestamp.newBuilder().setSeconds(System.currentTimeMillis() / 1000))
            .setSettings(settings)
            .build();
    HazelcastInstance hz = nodes.getFirst().hazelcast();
    hz.<String, byte[]>getMap(StateMaps.TAILNETS).set(id, r.toByteArray());
    hz.<String, String>getMap(StateMaps.TAILNET_NAMES).set(r.getName(), id);
    return id;
  }

  /** A tailnet with 180-day keys and no device approval. */
  String tailnet() {
    return tailnet(
        TailnetSettings.newBuilder()
            .setNodeKeyExpiry(Duration.newBuilder().setSeconds(180L * 86400))
            .build());
  }

  /** An API token in identity's map; returns its text. */
  String token(String tailnetId, UserRole role, boolean deploymentAdmin) {
    String id = ApiTokenText.newTokenId();
    String text = ApiTokenText.generate(id);
    ApiTokenRecord r =
        ApiTokenRecord.newBuilder()
            .setTokenId(id)
            .setTailnetId(tailnetId)
            .setTokenSha256(ApiTokenText.sha256(text))
            .setRole(role)
            .setOwnerUserId("u-test")
            .setDeploymentAdmin(deploymentAdmin)
            .build();
    nodes
        .getFirst()
        .hazelcast()
        .<String, byte[]>getMap(StateMaps.API_TOKENS)
        .set(id, r.toByteArray());
    return text;
  }

  /** Instance {@code i}'s API as a service (the coordinator's credential). */
  Api service(int i) {
    String jwt =
        ServiceCredentials.open(nodes.get(i).hazelcast(), Clock.systemUTC()).mint("coordinator");
    return nodes.get(i).anonymous().as(jwt);
  }

  /** Instance {@code i}'s API with {@code token}. */
  Api api(int i, String token) {
    return nodes.get(i).anonymous().as(token);
  }

  /** Every event on {@code topic} so far, in partition order. */
  List<EventEnvelope> events(String topic) {
    List<EventEnvelope> out = Collections.synchronizedList(new ArrayList<>());
    nodes
        .getFirst()
        .log()
        .replay(
            topic,
            ReplayStart.beginning(),
            e -> {
              out.add(e.envelope());
              return Future.succeededFuture();
            })
        .await();
    return out;
  }

  /** Appends {@code e} to {@code topic} from instance 0 (a test playing another service). */
  void append(String topic, EventEnvelope e) {
    nodes.getFirst().log().append(topic, e).await();
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
