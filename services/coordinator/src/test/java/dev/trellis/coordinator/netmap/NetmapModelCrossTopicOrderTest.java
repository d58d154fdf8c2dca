package dev.trellis.coordinator.netmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.Endpoint;
import dev.trellis.proto.event.v1.EndpointType;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.NodeEndpointsReported;
import dev.trellis.proto.event.v1.NodeHomeRelayChanged;
import dev.trellis.proto.event.v1.NodeOffline;
import dev.trellis.proto.event.v1.NodeOnline;
import dev.trellis.proto.event.v1.NodeRegistered;
import dev.trellis.proto.event.v1.NodeRemoved;
import dev.trellis.runtime.eventlog.Events;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The model does not depend on how its consumers interleave the topics: the keys topic (the
 * registration), the ipam topic (the addresses) and the coordinator topic (endpoints, home relay,
 * online and offline) are each in order, but a coordinator instance that starts late and replays
 * the log may read the coordinator topic first. Every interleaving must fold into the node the log
 * order gives: a device connected before the instance started must not be shown offline.
 */
class NetmapModelCrossTopicOrderTest {
  private static final String TAILNET = "tn-order";
  private static final String NODE = "node-order";
  private final Events events = new Events(Clock.systemUTC());

  @Test
  void everyInterleavingOfTheTopicsFoldsIntoTheSameNode() {
    List<EventEnvelope> keys = List.of(registered());
    List<EventEnvelope> ipam = List.of(addressed());
    List<EventEnvelope> coordinator =
        List.of(
            event(NodeOnline.newBuilder().setNodeId(NODE).setCoordinatorInstance("coord-a")),
            event(
                NodeEndpointsReported.newBuilder()
                    .setNodeId(NODE)
                    .addEndpoints(
                        Endpoint.newBuilder()
                            .setAddress("198.51.100.7:41641")
                            .setType(EndpointType.STUN))),
            event(NodeHomeRelayChanged.newBuilder().setNodeId(NODE).setNewRegionId(1)),
            // Moved to B while A's offline was in flight: A's late offline must not count.
            event(NodeOnline.newBuilder().setNodeId(NODE).setCoordinatorInstance("coord-b")),
            event(NodeOffline.newBuilder().setNodeId(NODE).setCoordinatorInstance("coord-a")));

    NodeView inOrder = fold(concat(keys, ipam, coordinator));
    assertTrue(inOrder.online(), "connected to B");
    assertEquals("coord-b", inOrder.holder());
    assertEquals(1, inOrder.endpoints().size());
    assertEquals(1, inOrder.homeRelay());

    List<List<EventEnvelope>> orders = new ArrayList<>();
    interleave(List.of(keys, ipam, coordinator), new int[3], new ArrayList<>(), orders);
    assertEquals(42, orders.size(), "7! / 5! interleavings of 1, 1 and 5 events");
    for (List<EventEnvelope> order : orders) {
      assertEquals(inOrder, fold(order), "folded in the order " + types(order));
    }
  }

  @Test
  void anOfflineFromTheHolderReadBeforeTheRegistrationCounts() {
    List<EventEnvelope> early =
        List.of(
            event(NodeOnline.newBuilder().setNodeId(NODE).setCoordinatorInstance("coord-a")),
            event(NodeOffline.newBuilder().setNodeId(NODE).setCoordinatorInstance("coord-a")));
    NodeView n = fold(concat(early, List.of(registered(), addressed())));
    assertFalse(n.online(), "A said offline after it said online");
    assertEquals("", n.holder());
  }

  @Test
  void whatWasKeptForARemovedNodeIsDropped() {
    NetmapModel model = new NetmapModel();
    model.apply(event(NodeOnline.newBuilder().setNodeId(NODE).setCoordinatorInstance("coord-a")));
    model.apply(event(NodeRemoved.newBuilder().setNodeId(NODE)));
    model.apply(registered()); // the same id again: nothing of the removed node's past applies
    model.apply(addressed());
    assertFalse(model.node(NODE).orElseThrow().online());
  }

  private NodeView fold(List<EventEnvelope> order) {
    NetmapModel model = new NetmapModel();
    order.forEach(model::apply);
    return model.node(NODE).orElseThrow();
  }

  /** Every merge of {@code topics} that keeps each topic's own order. */
  private static void interleave(
      List<List<EventEnvelope>> topics,
      int[] at,
      List<EventEnvelope> sofar,
      List<List<EventEnvelope>> out) {
    boolean done = true;
    for (int t = 0; t < topics.size(); t++) {
      if (at[t] < topics.get(t).size()) {
        done = false;
        sofar.add(topics.get(t).get(at[t]++));
        interleave(topics, at, sofar, out);
        at[t]--;
        sofar.removeLast();
      }
    }
    if (done) {
      out.add(List.copyOf(sofar));
    }
  }

  @SafeVarargs
  private static List<EventEnvelope> concat(List<EventEnvelope>... lists) {
    List<EventEnvelope> all = new ArrayList<>();
    for (List<EventEnvelope> l : lists) {
      all.addAll(l);
    }
    return all;
  }

  private static List<String> types(List<EventEnvelope> order) {
    return order.stream()
        .map(e -> e.getType().substring(e.getType().lastIndexOf('.') + 1))
        .toList();
  }

  private EventEnvelope registered() {
    byte[] key = new byte[32];
    key[0] = 9;
    return event(
        NodeRegistered.newBuilder()
            .setNodeId(NODE)
            .setMachineKey(ByteString.copyFrom(key))
            .setNodeKey(ByteString.copyFrom(key))
            .setName("ordered")
            .setHostname("ordered")
            .setUserId("u1")
            .setApproved(true));
  }

  private EventEnvelope addressed() {
    return event(
        AddressAllocated.newBuilder()
            .setNodeId(NODE)
            .setIpv4("100.64.0.9")
            .setIpv6("fd7a:115c:a1e0::9"));
  }

  private EventEnvelope event(Message.Builder payload) {
    Actor system = Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("test").build();
    return events.draft(TAILNET, NODE, system, payload.build()).build();
  }
}
