package dev.trellis.ipam;

import com.google.protobuf.ByteString;
import com.hazelcast.core.HazelcastInstance;
import dev.trellis.ipam.address.AddressPool;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.NodeRemovalReason;
import dev.trellis.proto.event.v1.NodeRemoved;
import dev.trellis.proto.event.v1.TailnetSettings;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterFixture;
import dev.trellis.testkit.IdentityRecords;
import dev.trellis.testkit.ServiceCluster;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Two ipam instances sharing state, as in production (a {@link ServiceCluster}). Identity and the
 * key registry are not running: the tests write the records ipam reads (tailnets, nodes, API
 * tokens) into their owners' maps, the read-only contract of StateMaps, and append the key
 * registry's NodeRemoved to {@code trellis.keys} as it would. The no-argument constructor (the
 * standard pool, a {@link #COOL_DOWN} cool-down) is the one {@link
 * dev.trellis.testkit.ClusterExtension} shares between the test classes of a JVM.
 */
final class IpamCluster implements ClusterFixture {
  /** The cool-down of the shared cluster. */
  static final Duration COOL_DOWN = Duration.ofSeconds(2);

  final ServiceCluster cluster;
  final List<ServiceCluster.Instance> nodes;
  final String adminToken;
  final Duration coolDown;

  IpamCluster() throws Exception {
    this(AddressPool.standard(), COOL_DOWN);
  }

  IpamCluster(AddressPool pool, Duration coolDown) throws Exception {
    this.coolDown = coolDown;
    cluster =
        ServiceCluster.builder("ipam")
            .services(i -> List.of(new IpamService(Clock.systemUTC(), coolDown, pool)))
            .start();
    nodes = cluster.instances();
    adminToken = token("", UserRole.OWNER, true);
  }

  @Override
  public ServiceCluster cluster() {
    return cluster;
  }

  HazelcastInstance hz() {
    return cluster.hazelcast();
  }

  /** A new tailnet in identity's map; returns its id. */
  String tailnet() {
    return IdentityRecords.tailnet(hz(), TailnetSettings.getDefaultInstance());
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
    return IdentityRecords.token(hz(), tailnetId, role, deploymentAdmin);
  }

  /** Instance {@code i}'s API as the coordinator service. */
  Api service(int i) {
    return cluster.serviceApi(i, "coordinator");
  }

  /** Instance {@code i}'s API with {@code token}. */
  Api api(int i, String token) {
    return cluster.api(i, token);
  }

  /** Allocates through instance {@code i}. */
  Api.Reply allocate(int i, String tailnetId, String nodeId) {
    return service(i)
        .post("/api/v1/internal/allocations", Map.of("tailnetId", tailnetId, "nodeId", nodeId));
  }

  /** Every event on {@code topic} so far, in partition order. */
  List<EventEnvelope> events(String topic) {
    return cluster.events(topic);
  }

  /** Appends {@code e} to {@code topic} from instance 0 (a test playing another service). */
  void append(String topic, EventEnvelope e) {
    cluster.append(topic, e);
  }
}
