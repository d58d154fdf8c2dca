package dev.trellis.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.hazelcast.map.IMap;
import dev.trellis.keys.projection.NodeProjection;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.HostInfo;
import dev.trellis.proto.event.v1.NodeHostInfoUpdated;
import dev.trellis.proto.event.v1.NodeRegistered;
import dev.trellis.proto.event.v1.NodeRemovalReason;
import dev.trellis.proto.event.v1.NodeRemoved;
import dev.trellis.proto.event.v1.NodeRenamed;
import dev.trellis.proto.event.v1.NodeRoutesApproved;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.LoggedEvent;
import dev.trellis.runtime.projection.ProjectionMaps;
import dev.trellis.testkit.ClusterTest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The node projection's state does not depend on how the keys and the coordinator topics interleave
 * (a replay reads their partitions in any order): the routes a host info advertises before the
 * registration is applied, or after the node's removal, end in the same state.
 */
@ClusterTest
class ProjectionOrderTest {
  private static final AtomicInteger RUNS = new AtomicInteger();
  private static final Actor SYSTEM =
      Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("service:test").build();
  private static final List<String> MAPS =
      List.of(
          NodeProjection.NODES,
          NodeProjection.ADVERTISED,
          NodeProjection.NAMES,
          NodeProjection.NODE_TAILNETS,
          NodeProjection.NODE_KEYS);

  @Test
  void advertisedRoutesEndTheSameInAnyTopicOrder(KeysCluster c) {
    Events events = new Events(Clock.systemUTC());
    String tn = "tn-order";
    List<EventEnvelope> keys =
        List.of(
            events.draft(tn, "n1", SYSTEM, registered("n1", "router")).build(),
            events.draft(tn, "n2", SYSTEM, registered("n2", "gone")).build(),
            events
                .draft(
                    tn,
                    "n1",
                    SYSTEM,
                    NodeRoutesApproved.newBuilder()
                        .setNodeId("n1")
                        .addApprovedRoutes("10.0.0.0/24")
                        .setName("router")
                        .build())
                .build(),
            events
                .draft(
                    tn,
                    "n1",
                    SYSTEM,
                    NodeRenamed.newBuilder()
                        .setNodeId("n1")
                        .setOldName("router")
                        .setNewName("gw")
                        .build())
                .build(),
            events
                .draft(
                    tn,
                    "n2",
                    SYSTEM,
                    NodeRemoved.newBuilder()
                        .setNodeId("n2")
                        .setReason(NodeRemovalReason.REMOVED_BY_ADMIN)
                        .setNodeKey(key(2))
                        .setName("gone")
                        .build())
                .build());
    List<EventEnvelope> coordinator =
        List.of(
            events.draft(tn, "n1", SYSTEM, hostInfo("n1", "10.0.0.0/24", "10.1.0.0/24")).build(),
            events.draft(tn, "n2", SYSTEM, hostInfo("n2", "10.2.0.0/24")).build(),
            events.draft(tn, "n1", SYSTEM, hostInfo("n1", "10.0.0.0/24", "0.0.0.0/0")).build(),
            events.draft(tn, "n1", SYSTEM, hostInfo("n1", "10.0.0.0/24")).build());

    Map<String, Map<String, String>> keysFirst = fold(c, keys, coordinator, true);
    Map<String, Map<String, String>> coordinatorFirst = fold(c, keys, coordinator, false);
    assertEquals(keysFirst, coordinatorFirst);
    assertEquals(
        "routes=[10.0.0.0/24] approved=[10.0.0.0/24] name=gw",
        keysFirst.get(NodeProjection.NODES).get("n1"));
    assertEquals("10.0.0.0/24", keysFirst.get(NodeProjection.ADVERTISED).get("n1"));
  }

  /** Applies one topic's events, then the other's, into fresh maps; returns their contents. */
  private static Map<String, Map<String, String>> fold(
      KeysCluster c, List<EventEnvelope> keys, List<EventEnvelope> coordinator, boolean keysFirst) {
    ProjectionMaps maps =
        ProjectionMaps.live(c.cluster.hazelcast(), "keys-order-" + RUNS.incrementAndGet());
    NodeProjection projection = new NodeProjection();
    List<LoggedEvent> order = new ArrayList<>();
    List<LoggedEvent> k = logged(Topics.KEYS, keys);
    List<LoggedEvent> co = logged(Topics.COORDINATOR, coordinator);
    order.addAll(keysFirst ? k : co);
    order.addAll(keysFirst ? co : k);
    order.forEach(e -> projection.apply(e, maps));
    Map<String, Map<String, String>> out = new TreeMap<>();
    for (String name : MAPS) {
      IMap<String, Object> m = maps.map(name);
      Map<String, String> content = new TreeMap<>();
      m.forEach((key, value) -> content.put(key, text(value)));
      out.put(name, content);
    }
    for (String name : MAPS) {
      maps.map(name).destroy();
    }
    return out;
  }

  private static String text(Object value) {
    if (value instanceof byte[] raw) {
      try {
        NodeRecord r = NodeRecord.parseFrom(raw);
        return "routes="
            + r.getAdvertisedRoutesList()
            + " approved="
            + r.getApprovedRoutesList()
            + " name="
            + r.getName();
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
    }
    return String.valueOf(value);
  }

  private static List<LoggedEvent> logged(String topic, List<EventEnvelope> envelopes) {
    List<LoggedEvent> out = new ArrayList<>();
    for (int i = 0; i < envelopes.size(); i++) {
      out.add(new LoggedEvent(topic, 0, i, envelopes.get(i)));
    }
    return out;
  }

  private static Message registered(String id, String name) {
    return NodeRegistered.newBuilder()
        .setNodeId(id)
        .setMachineKey(key(id.hashCode()))
        .setNodeKey(key(id.equals("n2") ? 2 : 1))
        .setName(name)
        .setHostname(name)
        .setApproved(true)
        .build();
  }

  private static Message hostInfo(String id, String... routes) {
    return NodeHostInfoUpdated.newBuilder()
        .setNodeId(id)
        .setHostInfo(HostInfo.newBuilder().setHostname("h").addAllRoutableIps(List.of(routes)))
        .build();
  }

  private static ByteString key(int seed) {
    byte[] b = new byte[32];
    b[0] = (byte) seed;
    b[1] = (byte) (seed >> 8);
    return ByteString.copyFrom(b);
  }
}
