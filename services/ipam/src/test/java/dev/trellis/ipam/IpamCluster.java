package dev.trellis.ipam;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.hazelcast.core.HazelcastInstance;
import dev.trellis.ipam.address.AddressPool;
import dev.trellis.kafka.embedded.EmbeddedKafka;
import dev.trellis.kafka.embedded.EmbeddedKafkaOptions;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.NodeRemovalReason;
import dev.trellis.proto.event.v1.NodeRemoved;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.ApiTokenRecord;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.runtime.access.ApiTokenText;
import dev.trellis.runtime.access.ServiceCredentials;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.EventLogOptions;
import dev.trellis.runtime.eventlog.Events;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Two ipam instances sharing state, as in production: one real Kafka broker, two real Hazelcast
 * members in one cluster, two Vert.x instances and two service hosts with their own HTTP ports.
 * Identity and the key registry are not running: the tests write the records ipam reads (tailnets,
 * nodes, API tokens) into their owners' maps, the read-only contract of StateMaps, and append the
 * key registry's NodeRemoved to {@code trellis.keys} as it would.
 */
final class IpamCluster implements AutoCloseable {
  final Path dir;
  final EmbeddedKafka kafka;
  final List<Node> nodes = new ArrayList<>();
  final String adminToken;
  final Duration coolDown;

  /** One ipam instance. */
  record Node(
      Vertx vertx,
      HazelcastInstance hazelcast,
      EventLog log,
      PrometheusMetrics metrics,
      ServiceHost host,
      Api anonymous) {}

  IpamCluster(AddressPool pool, Duration coolDown) throws Exception {
    this.coolDown = coolDown;
    dir = Files.createTempDirectory("ipam-test");
    kafka =
        new EmbeddedKafka(EmbeddedKafkaOptions.of(Files.createDirectories(dir.resolve("kafka"))));
    String bootstrap = kafka.start();
    int portA = freePort();
    int portB = freePort();
    String cluster = "ipam-" + UUID.randomUUID();
    nodes.add(start("a", bootstrap, portA, portB, cluster, pool));
    nodes.add(start("b", bootstrap, portB, portA, cluster, pool));
    adminToken = token("", UserRole.OWNER, true);
  }

  private Node start(
      String name, String bootstrap, int hzPort, int otherPort, String cluster, AddressPool pool)
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
    PrometheusMetrics metrics = PrometheusMetrics.create("ipam-" + name);
    Vertx vertx = VertxSetup.create(metrics);
    EventLog log =
        EventLog.connect(
                vertx,
                EventLogOptions.of(bootstrap, "ipam-" + name)
                    .withPartitions(2)
                    .withConnectDeadline(Duration.ofSeconds(30)))
            .await();
    log.ensureTopics(Topics.all()).await();
    ServiceHost host =
        ServiceHost.start(
                new Infrastructure(vertx, settings, hz, log, metrics),
                List.of(new IpamService(Clock.systemUTC(), coolDown, pool)))
            .await();
    return new Node(
        vertx, hz, log, metrics, host, new Api("http://127.0.0.1:" + host.httpPort(), null));
  }

  HazelcastInstance hz() {
    return nodes.getFirst().hazelcast();
  }

  /** A new tailnet in identity's map; returns its id. */
  String tailnet() {
    String id = "tn-" + UUID.randomUUID().toString().substring(0, 8);
    TailnetRecord r =
        TailnetRecord.newBuilder()
            .setTailnetId(id)
            .setName("net-" + id)
            .setCreatedAt(Timestamp.newBuilder().setSeconds(System.currentTimeMillis() / 1000))
            .build();
    hz().<String, byte[]>getMap(StateMaps.TAILNETS).set(id, r.toByteArray());
    return id;
  }

  /** {@code count} new nodes of the tailnet in the key registry's map; returns their ids. */
  List<String> nodes(String tailnetId, int count) {
    Map<String, byte[]> records = new HashMap<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = "n" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
      ids.add(id);
      records.put(
          id,
          NodeRecord.newBuilder()
              .setNodeId(id)
              .setTailnetId(tailnetId)
              .setName("host-" + id)
              .build()
              .toByteArray());
    }
    hz().<String, byte[]>getMap(StateMaps.NODES).putAll(records);
    return ids;
  }

  /** One new node of the tailnet. */
  String node(String tailnetId) {
    return nodes(tailnetId, 1).getFirst();
  }

  /** Removes the node as the key registry does: drops its record and appends NodeRemoved. */
  void remove(String tailnetId, String nodeId) {
    hz().<String, byte[]>getMap(StateMaps.NODES).delete(nodeId);
    EventEnvelope e =
        new Events(Clock.systemUTC())
            .draft(
                tailnetId,
                nodeId,
                Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("service:keys").build(),
                NodeRemoved.newBuilder()
                    .setNodeId(nodeId)
                    .setReason(NodeRemovalReason.REMOVED_BY_ADMIN)
                    .setNodeKey(ByteString.copyFrom(new byte[32]))
                    .build())
            .build();
    append(Topics.KEYS, e);
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
    hz().<String, byte[]>getMap(StateMaps.API_TOKENS).set(id, r.toByteArray());
    return text;
  }

  /** Instance {@code i}'s API as the coordinator service. */
  Api service(int i) {
    String jwt =
        ServiceCredentials.open(nodes.get(i).hazelcast(), Clock.systemUTC()).mint("coordinator");
    return nodes.get(i).anonymous().as(jwt);
  }

  /** Instance {@code i}'s API with {@code token}. */
  Api api(int i, String token) {
    return nodes.get(i).anonymous().as(token);
  }

  /** Allocates through instance {@code i}. */
  Api.Reply allocate(int i, String tailnetId, String nodeId) {
    return service(i)
        .post("/api/v1/internal/allocations", Map.of("tailnetId", tailnetId, "nodeId", nodeId));
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
