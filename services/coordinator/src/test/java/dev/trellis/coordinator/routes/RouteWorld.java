package dev.trellis.coordinator.routes;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.trellis.coordinator.netmap.ModelChange;
import dev.trellis.coordinator.netmap.NetmapModel;
import dev.trellis.coordinator.netmap.NodeView;
import dev.trellis.coordinator.policy.PolicyVisibility;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.HostInfo;
import dev.trellis.proto.event.v1.NodeHostInfoUpdated;
import dev.trellis.proto.event.v1.NodeOffline;
import dev.trellis.proto.event.v1.NodeOnline;
import dev.trellis.proto.event.v1.NodeRegistered;
import dev.trellis.proto.event.v1.NodeRemoved;
import dev.trellis.proto.event.v1.NodeRoutesApproved;
import dev.trellis.proto.event.v1.PolicyUpdated;
import dev.trellis.proto.event.v1.TailnetCreated;
import dev.trellis.proto.event.v1.UserCreated;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.runtime.eventlog.Events;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Events of one tailnet with routers, each at a time the test chooses (the envelope's time is what
 * the primary election orders routers by), and a model with the policy-backed visibility to fold
 * them into.
 */
final class RouteWorld {
  static final String TAILNET = "t1";
  static final Instant T0 = Instant.parse("2026-12-07T06:00:00Z");

  private final Events events = new Events(Clock.systemUTC());
  private final Actor actor = Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("t").build();
  final PolicyVisibility policy = new PolicyVisibility();
  final NetmapModel model = new NetmapModel(policy);

  /** Every change the model gave, in order. */
  final List<ModelChange> changes = new ArrayList<>();

  /** An envelope of {@code payload} at T0 + {@code second} s. */
  EventEnvelope at(long second, String aggregate, Message payload) {
    Instant t = T0.plusSeconds(second);
    return events.draft(TAILNET, aggregate, actor, payload).build().toBuilder()
        .setTime(Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()))
        .build();
  }

  /** Folds {@code e}; the changes it made. */
  List<ModelChange> apply(EventEnvelope e) {
    List<ModelChange> out = new ArrayList<>();
    model.apply(
        e,
        c -> {
          out.add(c);
          changes.add(c);
        });
    return out;
  }

  NodeView node(String id) {
    return model.node(id).orElseThrow();
  }

  /** The tailnet and its users alice (ua) and bob (ub). */
  List<EventEnvelope> users() {
    return List.of(
        at(0, TAILNET, TailnetCreated.newBuilder().setName("acme").build()),
        at(
            0,
            "ua",
            UserCreated.newBuilder()
                .setUserId("ua")
                .setEmail("alice@example.com")
                .setRole(UserRole.MEMBER)
                .build()),
        at(
            0,
            "ub",
            UserCreated.newBuilder()
                .setUserId("ub")
                .setEmail("bob@example.com")
                .setRole(UserRole.MEMBER)
                .build()));
  }

  /** Registration and addresses (keys and ipam topics) of node {@code id} number {@code n}. */
  List<EventEnvelope> join(String id, int n, String user, String... tags) {
    return List.of(
        at(
            0,
            id,
            NodeRegistered.newBuilder()
                .setNodeId(id)
                .setMachineKey(key(n))
                .setNodeKey(key(n + 100))
                .setName("host" + n)
                .setUserId(tags.length == 0 ? user : "")
                .addAllTags(List.of(tags))
                .setApproved(true)
                .build()),
        at(
            0,
            id,
            AddressAllocated.newBuilder()
                .setNodeId(id)
                .setIpv4("100.64.0." + n)
                .setIpv6("fd7a:115c:a1e0::" + n)
                .build()));
  }

  EventEnvelope advertise(long second, String id, String... routes) {
    return at(
        second,
        id,
        NodeHostInfoUpdated.newBuilder()
            .setNodeId(id)
            .setHostInfo(HostInfo.newBuilder().setHostname(id).addAllRoutableIps(List.of(routes)))
            .build());
  }

  EventEnvelope approve(long second, String id, String... routes) {
    return at(
        second,
        id,
        NodeRoutesApproved.newBuilder()
            .setNodeId(id)
            .addAllApprovedRoutes(List.of(routes))
            .setName(id)
            .build());
  }

  EventEnvelope online(long second, String id, String instance) {
    return at(
        second, id, NodeOnline.newBuilder().setNodeId(id).setCoordinatorInstance(instance).build());
  }

  EventEnvelope offline(long second, String id, String instance) {
    return at(
        second,
        id,
        NodeOffline.newBuilder().setNodeId(id).setCoordinatorInstance(instance).build());
  }

  EventEnvelope removed(long second, String id) {
    return at(second, id, NodeRemoved.newBuilder().setNodeId(id).build());
  }

  EventEnvelope policy(long second, String hujson) {
    return at(second, TAILNET, PolicyUpdated.newBuilder().setHujson(hujson).build());
  }

  void applyAll(List<EventEnvelope> list) {
    list.forEach(this::apply);
  }

  static ByteString key(int n) {
    byte[] b = new byte[32];
    b[0] = (byte) n;
    return ByteString.copyFrom(b);
  }
}
