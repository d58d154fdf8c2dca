package dev.trellis.relay;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.hazelcast.core.HazelcastInstance;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.relay.config.RelayOptions;
import dev.trellis.testkit.ServiceCluster;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Relay instances sharing state as in production (a {@link ServiceCluster}), each relay on its own
 * TLS port, with three spare member ports for instances a test starts later. The key registry is
 * not running: tests write node records straight into its maps (the read-only contract of
 * StateMaps), as the keys tests do for identity's.
 */
final class RelayCluster implements AutoCloseable {
  /** Member ports beyond the first instances, for {@link #start}. */
  static final int SPARE = 3;

  final ServiceCluster cluster;

  RelayCluster(int n) throws Exception {
    this(n, new String[0]);
  }

  /** {@code n} instances started with {@code extraFlags} (e.g. shorter connection deadlines). */
  RelayCluster(int n, String... extraFlags) throws Exception {
    cluster =
        ServiceCluster.builder("relay")
            .instances(n)
            .spareMembers(SPARE)
            .flags(extraFlags)
            .services(
                i -> List.of(new RelayService(RelayOptions.forTests(1, "tst"), Clock.systemUTC())))
            .start();
  }

  /** Starts one more instance on member port number {@code slot} (n to n+2 are spare). */
  ServiceCluster.Instance start(String name, int slot, RelayOptions options) throws Exception {
    return cluster.startInstance(name, slot, List.of(new RelayService(options, Clock.systemUTC())));
  }

  /** Stops one instance gracefully. */
  void stop(ServiceCluster.Instance n) {
    cluster.stopInstance(n);
  }

  RelayService relay(int i) {
    return cluster.instance(i).service(RelayService.class);
  }

  /** The first instance's Hazelcast member (the cluster's shared state). */
  HazelcastInstance hazelcast() {
    return cluster.hazelcast();
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
    hazelcast().<String, byte[]>getMap(StateMaps.NODES).set(nodeId, b.build().toByteArray());
    hazelcast()
        .<String, String>getMap(StateMaps.NODE_KEYS)
        .set(HexFormat.of().formatHex(key.publicKey().toBytes()), nodeId);
    return key;
  }

  /** The node id holding {@code key}. */
  String nodeId(NodePrivateKey key) {
    return hazelcast()
        .<String, String>getMap(StateMaps.NODE_KEYS)
        .get(HexFormat.of().formatHex(key.publicKey().toBytes()));
  }

  /** Rewrites the node record of {@code key} (playing the key registry). */
  void editNode(NodePrivateKey key, Consumer<NodeRecord.Builder> edit) throws Exception {
    var nodes = hazelcast().<String, byte[]>getMap(StateMaps.NODES);
    String id = nodeId(key);
    NodeRecord.Builder b = NodeRecord.parseFrom(nodes.get(id)).toBuilder();
    edit.accept(b);
    nodes.set(id, b.build().toByteArray());
  }

  /** Removes the node of {@code key} (playing the key registry). */
  void removeNode(NodePrivateKey key) {
    hazelcast().<String, byte[]>getMap(StateMaps.NODES).remove(nodeId(key));
  }

  /** Every event on {@code topic} so far. */
  List<EventEnvelope> events(String topic) {
    return cluster.events(topic);
  }

  @Override
  public void close() {
    cluster.close();
  }
}
