package dev.trellis.agent.controlclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.Keepalive;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PacketFilter;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A full netmap in parts is handed on once, whole, when its last part arrives; anything between its
 * parts is a protocol error; frames not in parts pass through.
 */
class NetmapAssemblyTest {
  private static Node node(String id) {
    return Node.newBuilder().setId(id).addAddresses("100.64.0.1/32").build();
  }

  private static MapResponse part(long version, boolean more, FullNetmap.Builder f) {
    return MapResponse.newBuilder().setNetmapVersion(version).setMoreParts(more).setFull(f).build();
  }

  @Test
  void partsAreAppliedOnceWholeWhenTheLastArrives() throws IOException {
    NetmapAssembly a = new NetmapAssembly();
    FullNetmap.Builder first =
        FullNetmap.newBuilder()
            .setSelf(node("self"))
            .setPacketFilter(PacketFilter.getDefaultInstance())
            .addPeers(node("p1"));
    assertNull(a.add(part(3, true, first)));
    assertNull(a.add(part(3, true, FullNetmap.newBuilder().addPeers(node("p2")))));
    MapResponse whole = a.add(part(3, false, FullNetmap.newBuilder().addPeers(node("p3"))));

    assertEquals("self", whole.getFull().getSelf().getId());
    assertEquals(
        java.util.List.of("p1", "p2", "p3"),
        whole.getFull().getPeersList().stream().map(Node::getId).toList());
    assertEquals(3, whole.getNetmapVersion());
    assertEquals(false, whole.getMoreParts());

    MapResponse next =
        MapResponse.newBuilder().setKeepalive(Keepalive.getDefaultInstance()).build();
    assertSame(next, a.add(next), "after the netmap, frames pass through again");
  }

  @Test
  void aFrameBetweenPartsIsAProtocolError() throws IOException {
    NetmapAssembly a = new NetmapAssembly();
    assertNull(a.add(part(3, true, FullNetmap.newBuilder().addPeers(node("p1")))));
    assertThrows(
        IOException.class,
        () -> a.add(MapResponse.newBuilder().setKeepalive(Keepalive.getDefaultInstance()).build()));
    assertThrows(
        IOException.class,
        () ->
            new NetmapAssembly()
                .add(
                    MapResponse.newBuilder()
                        .setMoreParts(true)
                        .setKeepalive(Keepalive.getDefaultInstance())
                        .build()));
  }

  @Test
  void aPartOfAnotherVersionIsAProtocolError() throws IOException {
    NetmapAssembly a = new NetmapAssembly();
    assertNull(a.add(part(3, true, FullNetmap.newBuilder().addPeers(node("p1")))));
    assertThrows(
        IOException.class,
        () -> a.add(part(4, false, FullNetmap.newBuilder().addPeers(node("x")))));
  }
}
