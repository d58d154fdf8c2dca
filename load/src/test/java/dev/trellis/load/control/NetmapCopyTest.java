package dev.trellis.load.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trellis.proto.control.v1.Endpoint;
import dev.trellis.proto.control.v1.EndpointList;
import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PeerPatch;
import org.junit.jupiter.api.Test;

/** The device-side netmap copy: deltas applied give the full netmap, and a wrong one is caught. */
class NetmapCopyTest {
  private static Node node(String id, String endpoint, boolean online) {
    return Node.newBuilder()
        .setId(id)
        .setName(id + ".example.")
        .setOnline(online)
        .addEndpoints(Endpoint.newBuilder().setAddress(endpoint))
        .build();
  }

  private static FullNetmap full(Node... peers) {
    return FullNetmap.newBuilder()
        .setSelf(node("self", "1.1.1.1:1", true))
        .addAllPeers(java.util.List.of(peers))
        .build();
  }

  @Test
  void patchedCopyEqualsTheNewFullAndNotTheOld() {
    NodeIds ids = new NodeIds();
    NetmapCopy copy = new NetmapCopy(ids);
    FullNetmap before = full(node("a", "2.2.2.2:2", true), node("b", "3.3.3.3:3", true));
    copy.full(before);
    assertNull(copy.diff(before));
    copy.patch(
        PeerPatch.newBuilder()
            .setNodeId("a")
            .setEndpoints(
                EndpointList.newBuilder()
                    .addEndpoints(Endpoint.newBuilder().setAddress("9.9.9.9:9")))
            .setOnline(false)
            .build());
    FullNetmap after = full(node("a", "9.9.9.9:9", false), node("b", "3.3.3.3:3", true));
    assertNull(copy.diff(after));
    assertEquals(NetmapCopy.digestOf(after, ids), copy.digest());
    assertNotNull(copy.diff(before));
    assertNotEquals(NetmapCopy.digestOf(before, ids), copy.digest());
  }

  @Test
  void missingOrExtraPeersAreCaughtUnlessExcused() {
    NodeIds ids = new NodeIds();
    NetmapCopy copy = new NetmapCopy(ids);
    copy.full(full(node("a", "2.2.2.2:2", true)));
    FullNetmap withB = full(node("a", "2.2.2.2:2", true), node("b", "3.3.3.3:3", true));
    assertNotNull(copy.diff(withB));
    int b = ids.index("b");
    assertNull(copy.diff(withB, i -> i == b));
    copy.put(node("b", "3.3.3.3:3", true));
    assertNull(copy.diff(withB));
    copy.remove("a");
    assertNotNull(copy.diff(withB));
  }
}
