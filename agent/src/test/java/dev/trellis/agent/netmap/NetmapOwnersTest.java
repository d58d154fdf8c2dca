package dev.trellis.agent.netmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.Keepalive;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PeersAdded;
import dev.trellis.proto.control.v1.PeersRemoved;
import dev.trellis.proto.control.v1.UserProfile;
import org.junit.jupiter.api.Test;

/**
 * The netmap keeps the user profiles its frames carry, so that each node's owner can be shown: a
 * full frame replaces them, peers added add theirs, other frames keep them; a tagged node is owned
 * by its tags.
 */
class NetmapOwnersTest {
  private static final UserProfile ALICE =
      UserProfile.newBuilder().setUserId("u1").setLoginName("alice@example.com").build();
  private static final UserProfile BOB =
      UserProfile.newBuilder().setUserId("u2").setLoginName("bob@example.com").build();

  private static Netmap afterFull() {
    return Netmap.EMPTY.apply(
        MapResponse.newBuilder()
            .setFull(
                FullNetmap.newBuilder()
                    .setSelf(Node.newBuilder().setId("self").setUserId("u1"))
                    .addPeers(Node.newBuilder().setId("srv").addTags("tag:server"))
                    .addUserProfiles(ALICE))
            .setNetmapVersion(1)
            .build());
  }

  @Test
  void fullFrameBringsTheOwnersOfSelfAndTaggedPeers() {
    Netmap m = afterFull();
    assertEquals("alice@example.com", m.owner(m.self()));
    assertEquals("tag:server", m.owner(m.peers().get("srv")));
  }

  @Test
  void peersAddedBringTheirOwnersAndOtherFramesKeepThem() {
    Node phone = Node.newBuilder().setId("phone").setUserId("u2").build();
    Netmap m =
        afterFull()
            .apply(
                MapResponse.newBuilder()
                    .setPeersAdded(PeersAdded.newBuilder().addPeers(phone).addUserProfiles(BOB))
                    .setNetmapVersion(2)
                    .build())
            .apply(
                MapResponse.newBuilder()
                    .setKeepalive(Keepalive.getDefaultInstance())
                    .setNetmapVersion(2)
                    .build());
    assertEquals("bob@example.com", m.owner(m.peers().get("phone")));
    assertEquals("alice@example.com", m.owner(m.self()));
    // a peer added again without its profile (it was sent before) keeps its owner
    Netmap again =
        m.apply(
                MapResponse.newBuilder()
                    .setPeersRemoved(PeersRemoved.newBuilder().addNodeIds("phone"))
                    .setNetmapVersion(3)
                    .build())
            .apply(
                MapResponse.newBuilder()
                    .setPeersAdded(PeersAdded.newBuilder().addPeers(phone))
                    .setNetmapVersion(4)
                    .build());
    assertEquals("bob@example.com", again.owner(again.peers().get("phone")));
  }

  @Test
  void aNewFullFrameReplacesTheProfiles() {
    Netmap m =
        afterFull()
            .apply(
                MapResponse.newBuilder()
                    .setFull(
                        FullNetmap.newBuilder()
                            .setSelf(Node.newBuilder().setId("self").setUserId("u1"))
                            .addPeers(Node.newBuilder().setId("srv").addTags("tag:server")))
                    .setNetmapVersion(9)
                    .build());
    // the coordinator did not send u1's profile this time: the id is all that is known
    assertEquals("u1", m.owner(m.self()));
    // and the snapshot differs only in its profiles: it counts as a change
    assertEquals(afterFull().peers(), m.peers());
    assertFalse(m.sameContent(afterFull()));
  }

  @Test
  void ownerFallsBackToDisplayNameThenIdThenNothing() {
    Netmap m =
        Netmap.EMPTY.apply(
            MapResponse.newBuilder()
                .setFull(
                    FullNetmap.newBuilder()
                        .setSelf(Node.newBuilder().setId("self").setUserId("u3"))
                        .addUserProfiles(
                            UserProfile.newBuilder().setUserId("u3").setDisplayName("Carol")))
                .setNetmapVersion(1)
                .build());
    assertEquals("Carol", m.owner(m.self()));
    assertEquals("u4", m.owner(Node.newBuilder().setUserId("u4").build()));
    assertEquals("", m.owner(Node.getDefaultInstance()));
  }
}
