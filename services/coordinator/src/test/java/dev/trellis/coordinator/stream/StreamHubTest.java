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
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.Endpoint;
import dev.trellis.proto.event.v1.NodeEndpointsReported;
import dev.trellis.proto.event.v1.NodeKeyExpired;
import dev.trellis.proto.event.v1.NodeRegistered;
import dev.trellis.proto.event.v1.NodeRemoved;
import dev.trellis.proto.event.v1.TailnetCreated;
import dev.trellis.runtime.eventlog.Events;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The model and the stream hub without I/O: full then deltas, field patches, removal and expiry,
 * tailnet isolation, resume from the buffer, keepalives.
 */
class StreamHubTest {
  private final Events events = new Events(Clock.systemUTC());
  private final Actor actor = Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("t").build();
  private final NetmapModel model = new NetmapModel();
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final StreamHub hub =
      new StreamHub(
          model,
          new NetmapFrames(new SameTailnetVisibility()),
          Clock.systemUTC(),
          nanos::get,
          4,
          15_000_000_000L,
          60_000_000_000L);

  private static final class Sink implements FrameSink {
    final List<MapResponse> frames = new ArrayList<>();
    boolean ended;

    @Override
    public void send(MapResponse frame, byte[] encoded) {
      frames.add(Encoded.checked(frame, encoded));
    }

    @Override
    public void ended() {
      ended = true;
    }

    MapResponse last() {
      return frames.get(frames.size() - 1);
    }
  }

  private void apply(String tailnet, String aggregate, Message payload) {
    model.apply(events.draft(tailnet, aggregate, actor, payload).build(), hub::onChange);
  }

  private void join(String tailnet, String id, int n) {
    apply(
        tailnet,
        id,
        NodeRegistered.newBuilder()
            .setNodeId(id)
            .setMachineKey(key(n))
            .setNodeKey(key(n + 100))
            .setName("host" + n)
            .setHostname("host" + n)
            .setUserId("u1")
            .setApproved(true)
            .build());
    apply(
        tailnet,
        id,
        AddressAllocated.newBuilder()
            .setNodeId(id)
            .setIpv4("100.64.0." + n)
            .setIpv6("fd7a::" + n)
            .build());
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

  @Test
  void fullThenDeltasAndNothingCrossesTailnets() {
    apply("t1", "t1", TailnetCreated.newBuilder().setName("acme").build());
    join("t1", "a", 1);
    join("t1", "b", 2);
    join("t2", "x", 3);
    Sink a = open("a");
    Sink x = open("x");
    var full = a.frames.get(0).getFull();
    assertEquals("host1.acme.trellis.internal.", full.getSelf().getName());
    assertEquals(List.of("100.64.0.1/32", "fd7a::1/128"), full.getSelf().getAddressesList());
    assertEquals(1, full.getPeersCount());
    assertEquals("b", full.getPeers(0).getId());
    assertEquals(0, x.frames.get(0).getFull().getPeersCount());

    join("t1", "c", 4);
    assertTrue(a.last().hasPeersAdded(), a.last().toString());
    assertEquals("c", a.last().getPeersAdded().getPeers(0).getId());
    assertEquals(2, a.last().getNetmapVersion());
    assertEquals(1, x.frames.size(), "t2 sees nothing of t1");

    apply(
        "t1",
        "c",
        NodeEndpointsReported.newBuilder()
            .setNodeId("c")
            .addEndpoints(Endpoint.newBuilder().setAddress("10.0.0.4:41641"))
            .build());
    var patch = a.last().getPeerPatches().getPatches(0);
    assertEquals("c", patch.getNodeId());
    assertEquals("10.0.0.4:41641", patch.getEndpoints().getEndpoints(0).getAddress());
    assertTrue(!patch.hasNodeKey() && !patch.hasOnline(), "only what changed: " + patch);

    Sink c = open("c");
    apply("t1", "c", NodeRemoved.newBuilder().setNodeId("c").build());
    assertEquals(List.of("c"), a.last().getPeersRemoved().getNodeIdsList());
    assertTrue(c.last().hasLoggedOut());
    assertTrue(c.ended);
    assertEquals(1, x.frames.size());
  }

  @Test
  void expiredNodeIsToldToReauthAndStaysWithPeersMarkedExpired() {
    join("t1", "a", 1);
    join("t1", "b", 2);
    join("t2", "x", 3);
    Sink a = open("a");
    Sink b = open("b");
    Sink x = open("x");
    apply("t1", "b", NodeKeyExpired.newBuilder().setNodeId("b").build());
    assertTrue(b.last().hasReauthRequired());
    assertEquals("NODE_KEY_EXPIRED", b.last().getReauthRequired().getReasonCode());
    // as in Tailscale, peers keep it, marked expired (their agents leave it out of WireGuard)
    var patch = a.last().getPeerPatches().getPatches(0);
    assertEquals("b", patch.getNodeId());
    assertTrue(patch.hasKeyExpired() && patch.getKeyExpired(), patch.toString());
    // a netmap built now lists it expired; the other tailnet never hears of it
    Sink a2 = open("a");
    var full = a2.frames.get(0).getFull();
    assertEquals(1, full.getPeersCount());
    assertTrue(full.getPeers(0).getKeyExpired());
    assertEquals(1, x.frames.size(), "t2 sees nothing of t1");
    assertEquals(0, x.frames.get(0).getFull().getPeersCount());

    // a renewed key clears the mark
    apply(
        "t1",
        "b",
        dev.trellis.proto.event.v1.NodeKeyRotated.newBuilder()
            .setNodeId("b")
            .setNewNodeKey(key(77))
            .build());
    var renewed = a.last().getPeerPatches().getPatches(0);
    assertTrue(renewed.hasKeyExpired() && !renewed.getKeyExpired(), renewed.toString());
    assertEquals(key(77), renewed.getNodeKey());
  }

  @Test
  void revokedOrRemovedExpiredNodeVanishesFromPeers() {
    join("t1", "a", 1);
    join("t1", "b", 2);
    join("t1", "c", 3);
    Sink a = open("a");
    apply("t1", "b", NodeKeyExpired.newBuilder().setNodeId("b").build());
    apply("t1", "b", dev.trellis.proto.event.v1.NodeKeyRevoked.newBuilder().setNodeId("b").build());
    assertEquals(List.of("b"), a.last().getPeersRemoved().getNodeIdsList());
    apply("t1", "c", NodeKeyExpired.newBuilder().setNodeId("c").build());
    apply("t1", "c", NodeRemoved.newBuilder().setNodeId("c").build());
    assertEquals(List.of("c"), a.last().getPeersRemoved().getNodeIdsList());
    assertEquals(0, open("a").frames.get(0).getFull().getPeersCount());
  }

  @Test
  void unapprovedNodeSeesOnlyItselfUntilApproved() {
    join("t1", "a", 1);
    apply(
        "t1",
        "p",
        NodeRegistered.newBuilder()
            .setNodeId("p")
            .setMachineKey(key(9))
            .setNodeKey(key(90))
            .setName("p")
            .build());
    apply("t1", "p", AddressAllocated.newBuilder().setNodeId("p").setIpv4("100.64.0.9").build());
    Sink p = open("p");
    assertEquals(0, p.frames.get(0).getFull().getPeersCount());
    assertTrue(!p.frames.get(0).getFull().getSelf().getMachineAuthorized());
    apply("t1", "p", dev.trellis.proto.event.v1.NodeAuthorized.newBuilder().setNodeId("p").build());
    assertTrue(p.frames.stream().anyMatch(f -> f.hasPeersAdded()), p.frames.toString());
  }

  @Test
  void resumeSendsOnlyMissedFramesThenFullWhenBufferOverflowed() {
    join("t1", "a", 1);
    Sink a = open("a");
    String token = a.frames.get(0).getResumeToken();
    hub.detach(token);
    assertTrue(!hub.attached("a"));
    join("t1", "b", 2);
    Sink again = new Sink();
    var opened = hub.open(model.node("a").orElseThrow(), again, token, 1);
    assertEquals(token, opened.token());
    assertEquals(1, again.frames.size());
    assertTrue(again.frames.get(0).hasPeersAdded());
    assertEquals(2, again.frames.get(0).getNetmapVersion());

    hub.detach(token);
    for (int i = 3; i < 10; i++) {
      join("t1", "n" + i, i);
    }
    Sink late = new Sink();
    var fresh = hub.open(model.node("a").orElseThrow(), late, token, 2);
    assertTrue(!token.equals(fresh.token()));
    assertTrue(late.frames.get(0).hasFull());
  }

  @Test
  void quietStreamsGetKeepalives() {
    join("t1", "a", 1);
    Sink a = open("a");
    hub.tick();
    assertEquals(1, a.frames.size());
    nanos.addAndGet(16_000_000_000L);
    hub.tick();
    assertTrue(a.last().hasKeepalive());
    assertEquals(1, a.last().getNetmapVersion());
  }
}
