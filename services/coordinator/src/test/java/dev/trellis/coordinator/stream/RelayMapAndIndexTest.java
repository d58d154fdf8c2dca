package dev.trellis.coordinator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.trellis.coordinator.netmap.NetmapFrames;
import dev.trellis.coordinator.netmap.NetmapModel;
import dev.trellis.coordinator.netmap.SameTailnetVisibility;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.RelayMap;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.NodeRegistered;
import dev.trellis.proto.event.v1.NodeRemoved;
import dev.trellis.proto.event.v1.RelayInstanceStarted;
import dev.trellis.proto.event.v1.RelayInstanceStopped;
import dev.trellis.runtime.eventlog.Events;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The relay fleet in the model: started/stopped instances become one relay map in every full netmap
 * and a relay_map_changed frame to every session of every tailnet; repeats change nothing. And the
 * machine-key index follows registrations and removals.
 */
class RelayMapAndIndexTest {
  private final Events events = new Events(Clock.systemUTC());
  private final Actor actor = Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("t").build();
  private final NetmapModel model = new NetmapModel();
  private final StreamHub hub =
      new StreamHub(
          model,
          new NetmapFrames(new SameTailnetVisibility()),
          Clock.systemUTC(),
          System::nanoTime,
          16,
          15_000_000_000L,
          60_000_000_000L);

  private static final class Sink implements FrameSink {
    final List<MapResponse> frames = new ArrayList<>();

    @Override
    public void send(MapResponse frame, byte[] encoded) {
      frames.add(Encoded.checked(frame, encoded));
    }

    @Override
    public void ended() {}

    MapResponse last() {
      return frames.get(frames.size() - 1);
    }
  }

  private boolean apply(String tailnet, String aggregate, Message payload) {
    // Relay events carry no tailnet (relay.proto); the model must not need one.
    var envelope = events.draft(tailnet.isEmpty() ? "-" : tailnet, aggregate, actor, payload);
    var changes = model.apply(envelope.build().toBuilder().setTailnetId(tailnet).build());
    changes.forEach(hub::onChange);
    return !changes.isEmpty();
  }

  private void join(String tailnet, String id, int n, ByteString machine) {
    apply(
        tailnet,
        id,
        NodeRegistered.newBuilder()
            .setNodeId(id)
            .setMachineKey(machine)
            .setNodeKey(key(n + 100))
            .setName("host" + n)
            .setApproved(true)
            .build());
    apply(
        tailnet, id, AddressAllocated.newBuilder().setNodeId(id).setIpv4("100.64.0." + n).build());
  }

  private static ByteString key(int n) {
    byte[] b = new byte[32];
    b[0] = (byte) n;
    return ByteString.copyFrom(b);
  }

  private Sink open(String id) {
    Sink s = new Sink();
    assertNotNull(hub.open(model.node(id).orElseThrow(), s, "", 0).token());
    return s;
  }

  private static RelayInstanceStarted relay(String id, int region, String... addresses) {
    return RelayInstanceStarted.newBuilder()
        .setInstanceId(id)
        .setRegionId(region)
        .setRegionCode("r" + region)
        .setHostname(id + ".example")
        .addAllAddresses(List.of(addresses))
        .setRelayPort(443)
        .setStunPort(3478)
        .build();
  }

  @Test
  void relayFleetReachesEverySessionOfEveryTailnet() {
    join("t1", "a", 1, key(1));
    join("t2", "x", 2, key(2));
    Sink a = open("a");
    Sink x = open("x");
    assertEquals(0, a.frames.get(0).getFull().getRelayMap().getRegionsCount());

    assertTrue(apply("", "relay-1", relay("relay-1", 1, "192.0.2.10", "2001:db8::a")));
    for (Sink s : List.of(a, x)) {
      assertTrue(s.last().hasRelayMapChanged(), s.last().toString());
      RelayMap m = s.last().getRelayMapChanged();
      var node = m.getRegionsOrThrow(1).getNodes(0);
      assertEquals("relay-1", node.getName());
      assertEquals("192.0.2.10", node.getIpv4());
      assertEquals("2001:db8::a", node.getIpv6());
      assertEquals(443, node.getRelayPort());
      assertEquals(2, s.last().getNetmapVersion(), "a relay map change is a versioned delta");
    }
    assertTrue(!apply("", "relay-1", relay("relay-1", 1, "192.0.2.10", "2001:db8::a")), "repeat");
    assertTrue(apply("", "relay-2", relay("relay-2", 1, "192.0.2.11")));
    assertTrue(apply("", "relay-9", relay("relay-9", 9, "192.0.2.99")));
    RelayMap m = a.last().getRelayMapChanged();
    assertEquals(List.of(1, 9), List.copyOf(new java.util.TreeSet<>(m.getRegionsMap().keySet())));
    assertEquals(2, m.getRegionsOrThrow(1).getNodesCount());

    join("t1", "b", 3, key(3));
    Sink b = open("b");
    assertEquals(m, b.frames.get(0).getFull().getRelayMap(), "a new full carries the map");

    assertTrue(
        apply(
            "",
            "relay-9",
            RelayInstanceStopped.newBuilder().setInstanceId("relay-9").setRegionId(9).build()));
    assertEquals(List.of(1), List.copyOf(x.last().getRelayMapChanged().getRegionsMap().keySet()));
    assertTrue(
        !apply("", "relay-9", RelayInstanceStopped.newBuilder().setInstanceId("relay-9").build()),
        "an unknown instance stopping changes nothing");
    assertTrue(!apply("", "bad", relay("bad", 0, "192.0.2.1")), "region 0 is refused");
    assertTrue(apply("", "odd", relay("odd", 5, "g:h:not-ip", "relay.example", "999.1.1.1x")));
    var odd = a.last().getRelayMapChanged().getRegionsOrThrow(5).getNodes(0);
    assertEquals("", odd.getIpv4(), "not an address: resolve the hostname instead");
    assertEquals("", odd.getIpv6());
  }

  @Test
  void machineKeyIndexFollowsRegistrationsAndRemovals() {
    ByteString m = key(7);
    join("t1", "a", 1, m);
    join("t2", "b", 2, m);
    join("t1", "c", 3, key(8));
    assertEquals(
        List.of("a", "b"), model.byMachineKey(m).stream().map(n -> n.id()).sorted().toList());
    apply("t1", "a", NodeRemoved.newBuilder().setNodeId("a").build());
    assertEquals(List.of("b"), model.byMachineKey(m).stream().map(n -> n.id()).toList());
    apply("t2", "b", NodeRemoved.newBuilder().setNodeId("b").build());
    assertTrue(model.byMachineKey(m).isEmpty());
    assertEquals("c", model.byMachineKey(key(8)).get(0).id());
  }
}
