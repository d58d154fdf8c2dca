package dev.trellis.coordinator.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.trellis.coordinator.netmap.NetmapFrames;
import dev.trellis.coordinator.netmap.NetmapModel;
import dev.trellis.coordinator.netmap.SameTailnetVisibility;
import dev.trellis.proto.control.v1.EndpointList;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.PeerPatch;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.Endpoint;
import dev.trellis.proto.event.v1.NodeEndpointsReported;
import dev.trellis.proto.event.v1.NodeOnline;
import dev.trellis.proto.event.v1.NodeRegistered;
import dev.trellis.proto.event.v1.NodeRemoved;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Coalesced peer patches: a burst of changes reaches each session as one PeerPatches frame per
 * flush with the newest value of every field, in order with other frames, and a merged patch never
 * concatenates endpoint lists or loses an epoch key expiry.
 */
class PatchCoalescingTest {
  private final dev.trellis.runtime.eventlog.Events events =
      new dev.trellis.runtime.eventlog.Events(Clock.systemUTC());
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
              60_000_000_000L)
          .coalescePatches(true);

  private final List<MapResponse> frames = new ArrayList<>();

  private void apply(String id, Message payload) {
    model.apply(events.draft("t1", id, actor, payload).build(), hub::onChange);
  }

  private void join(String id, int n) {
    byte[] k = new byte[32];
    k[0] = (byte) n;
    apply(
        id,
        NodeRegistered.newBuilder()
            .setNodeId(id)
            .setMachineKey(ByteString.copyFrom(k))
            .setNodeKey(ByteString.copyFrom(k))
            .setName("h" + n)
            .setApproved(true)
            .build());
    apply(id, AddressAllocated.newBuilder().setNodeId(id).setIpv4("100.64.0." + n).build());
  }

  private void endpoints(String id, String addr) {
    apply(
        id,
        NodeEndpointsReported.newBuilder()
            .setNodeId(id)
            .addEndpoints(Endpoint.newBuilder().setAddress(addr))
            .build());
  }

  @Test
  void aBurstIsOneFramePerFlushWithTheNewestValues() {
    join("a", 1);
    join("b", 2);
    join("c", 3);
    hub.open(
        model.node("a").orElseThrow(),
        new FrameSink() {
          @Override
          public void send(MapResponse f, byte[] encoded) {
            frames.add(Encoded.checked(f, encoded));
          }

          @Override
          public void ended() {}
        },
        "",
        0);
    endpoints("b", "192.0.2.1:1");
    endpoints("b", "192.0.2.2:2");
    apply("b", NodeOnline.newBuilder().setNodeId("b").build());
    endpoints("c", "192.0.2.3:3");
    assertEquals(1, frames.size(), "held until the flush");
    hub.flush();
    assertEquals(2, frames.size());
    var patches = frames.get(1).getPeerPatches().getPatchesList();
    assertEquals(List.of("b", "c"), patches.stream().map(PeerPatch::getNodeId).toList());
    assertEquals(1, patches.get(0).getEndpoints().getEndpointsCount(), "replaced, not appended");
    assertEquals("192.0.2.2:2", patches.get(0).getEndpoints().getEndpoints(0).getAddress());
    assertTrue(patches.get(0).getOnline());
    assertEquals(2, frames.get(1).getNetmapVersion());
    hub.flush();
    assertEquals(2, frames.size(), "nothing held, nothing sent");

    // Another frame sends the held patches first.
    endpoints("c", "192.0.2.4:4");
    apply("c", NodeRemoved.newBuilder().setNodeId("c").build());
    assertTrue(frames.get(2).hasPeerPatches(), frames.get(2).toString());
    assertTrue(frames.get(3).hasPeersRemoved());
    assertEquals(4, frames.get(3).getNetmapVersion());
    hub.flush();
    assertEquals(4, frames.size());
  }

  @Test
  void aResumeBufferPastItsByteBoundGivesAFull() {
    StreamHub big =
        new StreamHub(
            model,
            new NetmapFrames(new SameTailnetVisibility()),
            Clock.systemUTC(),
            System::nanoTime,
            100_000,
            15_000_000_000L,
            60_000_000_000L);
    join("a", 1);
    join("b", 2);
    List<MapResponse> got = new ArrayList<>();
    FrameSink sink =
        new FrameSink() {
          @Override
          public void send(MapResponse f, byte[] encoded) {
            got.add(Encoded.checked(f, encoded));
          }

          @Override
          public void ended() {}
        };
    String token = big.open(model.node("a").orElseThrow(), sink, "", 0).token();
    big.detach(token);
    String longAddress = "[2001:db8::1]:" + "4".repeat(40);
    int sent = 0;
    int bytes = 0;
    for (int i = 0; bytes <= MapSession.BUFFER_BYTES; i++) {
      model.apply(
          events
              .draft(
                  "t1",
                  "b",
                  actor,
                  NodeEndpointsReported.newBuilder()
                      .setNodeId("b")
                      .addEndpoints(Endpoint.newBuilder().setAddress(longAddress + i))
                      .build())
              .build(),
          big::onChange);
      sent++;
      bytes += longAddress.length() + 20;
    }
    var resumed = big.open(model.node("a").orElseThrow(), sink, token, 1);
    assertTrue(got.get(got.size() - 1).hasFull(), "too much missed for the byte bound: a full");
    assertTrue(!resumed.token().equals(token));
    assertTrue(sent > 50);

    // A short gap resumes from the buffer.
    String t2 = resumed.token();
    long v = got.get(got.size() - 1).getNetmapVersion();
    big.detach(t2);
    model.apply(
        events
            .draft(
                "t1",
                "b",
                actor,
                NodeEndpointsReported.newBuilder()
                    .setNodeId("b")
                    .addEndpoints(Endpoint.newBuilder().setAddress("192.0.2.9:9"))
                    .build())
            .build(),
        big::onChange);
    int before = got.size();
    assertEquals(t2, big.open(model.node("a").orElseThrow(), sink, t2, v).token());
    assertEquals(before + 1, got.size());
    assertTrue(got.get(before).hasPeerPatches());
  }

  @Test
  void mergeReplacesWholeValues() {
    PeerPatch older =
        PeerPatch.newBuilder()
            .setNodeId("n")
            .setEndpoints(
                EndpointList.newBuilder()
                    .addEndpoints(
                        dev.trellis.proto.control.v1.Endpoint.newBuilder().setAddress("x")))
            .setKeyExpiry(Timestamp.newBuilder().setSeconds(99).setNanos(5))
            .setOnline(true)
            .build();
    PeerPatch newer =
        PeerPatch.newBuilder()
            .setNodeId("n")
            .setEndpoints(EndpointList.getDefaultInstance())
            .setKeyExpiry(Timestamp.getDefaultInstance())
            .setOnline(false)
            .build();
    PeerPatch m = MapSession.merge(older, newer);
    assertTrue(m.hasEndpoints());
    assertEquals(0, m.getEndpoints().getEndpointsCount(), "now empty");
    assertEquals(Timestamp.getDefaultInstance(), m.getKeyExpiry(), "epoch = no longer expires");
    assertTrue(m.hasOnline());
    assertFalse(m.getOnline());
  }
}
