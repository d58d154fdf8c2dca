package dev.trellis.keys;

import com.google.protobuf.Duration;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.TailnetSettings;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterFixture;
import dev.trellis.testkit.IdentityRecords;
import dev.trellis.testkit.ServiceCluster;
import java.time.Clock;
import java.util.List;

/**
 * Two key-registry instances sharing state, as in production (a {@link ServiceCluster}). Identity
 * is not running: the tests write the identity records the key registry reads (tailnets, API
 * tokens) into identity's maps, the read-only contract in StateMaps. Started once per test JVM by
 * {@link dev.trellis.testkit.ClusterExtension} and closed when its tests end.
 */
final class KeysCluster implements ClusterFixture {
  /** Ephemeral nodes are removed after this long offline in the tests. */
  static final java.time.Duration EPHEMERAL_GRACE = java.time.Duration.ofSeconds(1);

  final ServiceCluster cluster;
  final List<ServiceCluster.Instance> nodes;
  final String adminToken;

  KeysCluster() throws Exception {
    var options = new KeysOptions(java.time.Duration.ofMillis(100), EPHEMERAL_GRACE);
    cluster =
        ServiceCluster.builder("keys")
            .services(i -> List.of(new KeysService(Clock.systemUTC(), options)))
            .start();
    nodes = cluster.instances();
    adminToken = token("", UserRole.OWNER, true);
  }

  @Override
  public ServiceCluster cluster() {
    return cluster;
  }

  /** A new tailnet in identity's maps with the given settings; returns its id. */
  String tailnet(TailnetSettings settings) {
    return IdentityRecords.tailnet(cluster.hazelcast(), settings);
  }

  /** Makes the tailnet's policy define {@code tags}, as the policy service's projection would. */
  void defineTags(String tailnetId, String... tags) {
    nodes
        .getFirst()
        .hazelcast()
        .<String, byte[]>getMap(StateMaps.DEFINED_TAGS)
        .set(
            tailnetId,
            dev.trellis.proto.state.v1.DefinedTagsRecord.newBuilder()
                .addAllTags(List.of(tags))
                .build()
                .toByteArray());
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
    return IdentityRecords.token(cluster.hazelcast(), tailnetId, role, deploymentAdmin);
  }

  /** Instance {@code i}'s API as a service (the coordinator's credential). */
  Api service(int i) {
    return cluster.serviceApi(i, "coordinator");
  }

  /** Instance {@code i}'s API with {@code token}. */
  Api api(int i, String token) {
    return cluster.api(i, token);
  }

  /**
   * Appends the coordinator's NodeHostInfoUpdated for {@code nodeId} offering {@code routes}, as a
   * device's map request would (the routes are written as given, checked or not).
   */
  void advertise(String tailnetId, String nodeId, String... routes) {
    append(
        dev.trellis.proto.event.Topics.COORDINATOR,
        new dev.trellis.runtime.eventlog.Events(Clock.systemUTC())
            .draft(
                tailnetId,
                nodeId,
                dev.trellis.proto.event.v1.Actor.newBuilder()
                    .setKind(dev.trellis.proto.event.v1.Actor.Kind.SYSTEM)
                    .setId("service:coordinator")
                    .build(),
                dev.trellis.proto.event.v1.NodeHostInfoUpdated.newBuilder()
                    .setNodeId(nodeId)
                    .setHostInfo(
                        dev.trellis.proto.event.v1.HostInfo.newBuilder()
                            .setHostname("h")
                            .addAllRoutableIps(List.of(routes)))
                    .build())
            .build());
  }

  /** Writes the coordinator's route state of a node, as the coordinator would. */
  void routeState(dev.trellis.proto.state.v1.NodeRouteState state) {
    nodes
        .getFirst()
        .hazelcast()
        .<String, byte[]>getMap(StateMaps.ROUTES)
        .set(state.getNodeId(), state.toByteArray());
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
