package dev.trellis.relay;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.hazelcast.core.HazelcastInstance;
import dev.trellis.kafka.embedded.EmbeddedKafka;
import dev.trellis.kafka.embedded.EmbeddedKafkaOptions;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.relay.config.RelayOptions;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.EventLogOptions;
import dev.trellis.runtime.eventlog.ReplayStart;
import dev.trellis.runtime.metrics.PrometheusMetrics;
import dev.trellis.runtime.service.Infrastructure;
import dev.trellis.runtime.service.ServiceHost;
import dev.trellis.runtime.service.VertxSetup;
import dev.trellis.runtime.state.EmbeddedMember;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Relay instances sharing state as in production: one real Kafka broker, real Hazelcast members in
 * one cluster, one Vert.x and service host per instance, each relay on its own TLS port. The key
 * registry is not running: tests write node records straight into its maps (the read-only contract
 * of StateMaps), as the keys tests do for identity's.
 */
final class RelayCluster implements AutoCloseable {
  final Path dir;
  final EmbeddedKafka kafka;
  final String bootstrap;
  final String cluster = "relay-" + UUID.randomUUID();
  final List<Instance> instances = new ArrayList<>();
  private final List<Integer> hzPorts = new ArrayList<>();

  /** One relay instance. */
  record Instance(
      Vertx vertx,
      HazelcastInstance hazelcast,
      EventLog log,
      PrometheusMetrics metrics,
      ServiceHost host,
      RelayService relay) {}

  RelayCluster(int n) throws Exception {
    dir = Files.createTempDirectory("relay-test");
    kafka =
        new EmbeddedKafka(EmbeddedKafkaOptions.of(Files.createDirectories(dir.resolve("kafka"))));
    bootstrap = kafka.start();
    for (int i = 0; i < n + 3; i++) {
      hzPorts.add(freePort());
    }
    for (int i = 0; i < n; i++) {
      instances.add(start("i" + i, i, RelayOptions.forTests(1, "tst")));
    }
  }

  /** Starts one more instance on Hazelcast port number {@code portIndex} (n to n+2 are spare). */
  Instance start(String name, int portIndex, RelayOptions options) throws Exception {
    Path state = Files.createDirectories(dir.resolve("state-" + name));
    List<String> members = new ArrayList<>();
    for (int p : hzPorts) {
      members.add("127.0.0.1:" + p);
    }
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
              "" + hzPorts.get(portIndex),
              "--hazelcast-interface",
              "127.0.0.1",
              "--hazelcast-members",
              String.join(",", members),
              "--hazelcast-cluster",
              cluster
            },
            Map.of());
    HazelcastInstance hz = EmbeddedMember.start(settings);
    PrometheusMetrics metrics = PrometheusMetrics.create("relay-" + name);
    Vertx vertx = VertxSetup.create(metrics);
    EventLog log =
        EventLog.connect(
                vertx,
                EventLogOptions.of(bootstrap, "relay-" + name)
                    .withPartitions(2)
                    .withConnectDeadline(java.time.Duration.ofSeconds(30)))
            .await();
    log.ensureTopics(Topics.all()).await();
    RelayService relay = new RelayService(options, Clock.systemUTC());
    ServiceHost host =
        ServiceHost.start(new Infrastructure(vertx, settings, hz, log, metrics), List.of(relay))
            .await();
    return new Instance(vertx, hz, log, metrics, host, relay);
  }

  RelayService relay(int i) {
    return instances.get(i).relay();
  }

  /** A device of {@code tailnetId}: a fresh node key with an approved node record. */
  NodePrivateKey node(String tailnetId) {
    return node(tailnetId, b -> {});
  }

  /** A device whose node record is adjusted by {@code edit} before it is written. */
  NodePrivateKey node(String tailnetId, Consumer<NodeRecord.Builder> edit) {
    NodePrivateKey key = NodePrivateKey.generate();
    String nodeId = "n-" + UUID.randomUUID().toString().substring(0, 8);
    NodeRecord.Builder b =
        NodeRecord.newBuilder()
            .setNodeId(nodeId)
            .setTailnetId(tailnetId)
            .setNodeKey(ByteString.copyFrom(key.publicKey().toBytes()))
            .setName(nodeId)
            .setApproved(true)
            .setKeyExpiry(
                Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() + 86400));
    edit.accept(b);
    HazelcastInstance hz = instances.getFirst().hazelcast();
    hz.<String, byte[]>getMap(StateMaps.NODES).set(nodeId, b.build().toByteArray());
    hz.<String, String>getMap(StateMaps.NODE_KEYS)
        .set(HexFormat.of().formatHex(key.publicKey().toBytes()), nodeId);
    return key;
  }

  /** The node id holding {@code key}. */
  String nodeId(NodePrivateKey key) {
    return instances
        .getFirst()
        .hazelcast()
        .<String, String>getMap(StateMaps.NODE_KEYS)
        .get(HexFormat.of().formatHex(key.publicKey().toBytes()));
  }

  /** Rewrites the node record of {@code key} (playing the key registry). */
  void editNode(NodePrivateKey key, Consumer<NodeRecord.Builder> edit) throws Exception {
    var nodes = instances.getFirst().hazelcast().<String, byte[]>getMap(StateMaps.NODES);
    String id = nodeId(key);
    NodeRecord.Builder b = NodeRecord.parseFrom(nodes.get(id)).toBuilder();
    edit.accept(b);
    nodes.set(id, b.build().toByteArray());
  }

  /** Removes the node of {@code key} (playing the key registry). */
  void removeNode(NodePrivateKey key) {
    instances.getFirst().hazelcast().<String, byte[]>getMap(StateMaps.NODES).remove(nodeId(key));
  }

  /** Every event on {@code topic} so far. */
  List<EventEnvelope> events(String topic) {
    List<EventEnvelope> out = Collections.synchronizedList(new ArrayList<>());
    instances
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

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Stops one instance gracefully. */
  static void stop(Instance n) {
    n.host().stop().await();
    n.log().close();
    n.vertx().close().await();
    n.hazelcast().shutdown();
    n.metrics().close();
  }

  @Override
  public void close() {
    for (Instance n : instances.reversed()) {
      try {
        stop(n);
      } catch (RuntimeException e) {
        // already stopped by a test
      }
    }
    kafka.close();
  }
}
