package dev.trellis.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.agent.localapi.NodeView;
import dev.trellis.agent.netmap.Netmap;
import dev.trellis.agent.routes.RoutePrefs;
import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PeerPatch;
import dev.trellis.proto.control.v1.PeerPatches;
import dev.trellis.proto.control.v1.UserProfile;
import dev.trellis.proto.key.NodePrivateKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code trellis status} is built from the netmap: each peer's owner, and a peer whose key
 * expired stays listed as "expired" (while WireGuard leaves it out).
 */
class StatusViewTest {
  private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");
  private static final NodePrivateKey SELF = NodePrivateKey.generate();
  private static final NodePrivateKey A = NodePrivateKey.generate();
  private static final NodePrivateKey B = NodePrivateKey.generate();

  @Test
  void expiredPeerIsListedAsExpiredWithItsOwnerButGetsNoWireGuardPeer() {
    Netmap m =
        Netmap.EMPTY
            .apply(
                MapResponse.newBuilder()
                    .setFull(
                        FullNetmap.newBuilder()
                            .setSelf(NetmapTest.node("self", SELF, 1).toBuilder().addTags("tag:ci"))
                            .addPeers(
                                NetmapTest.node("a", A, 2, "10.0.0.2:41641").toBuilder()
                                    .setUserId("u1"))
                            .addPeers(NetmapTest.node("b", B, 3).toBuilder().setUserId("u2"))
                            .addUserProfiles(
                                UserProfile.newBuilder()
                                    .setUserId("u1")
                                    .setLoginName("alice@example.com"))
                            .addUserProfiles(
                                UserProfile.newBuilder()
                                    .setUserId("u2")
                                    .setLoginName("bob@example.com")))
                    .setNetmapVersion(1)
                    .build())
            .apply(
                MapResponse.newBuilder()
                    .setPeerPatches(
                        PeerPatches.newBuilder()
                            .addPatches(PeerPatch.newBuilder().setNodeId("b").setKeyExpired(true)))
                    .setNetmapVersion(2)
                    .build());
    AgentStatus s =
        StatusView.build(
            BackendState.Running,
            "",
            "",
            "",
            "tl0",
            41641,
            m,
            List.of(),
            k -> null,
            0,
            RoutePrefs.DEFAULT,
            NOW);
    assertEquals("tag:ci", s.self().owner());
    assertEquals(2, s.peers().size(), "the expired peer is still listed");
    NodeView a = s.peers().get(0);
    NodeView b = s.peers().get(1);
    assertEquals("alice@example.com", a.owner());
    assertFalse(a.expired());
    assertEquals("bob@example.com", b.owner());
    assertTrue(b.expired());
    assertEquals("expired", b.connection());
    assertEquals(
        List.of(A.publicKey()),
        NetmapConfig.device(m, SELF, 0, NOW, true).peers().stream()
            .map(p -> p.publicKey())
            .toList());
  }

  @Test
  void routesOfSelfAndPeersAndTheExitNodeInUse() {
    List<String> both = List.of("0.0.0.0/0", "::/0");
    Node self =
        NetmapTest.node("s", SELF, 1).toBuilder()
            .setName("me.ts.net.")
            .addApprovedRoutes("192.168.1.0/24")
            .addPrimaryRoutes("192.168.1.0/24")
            .build();
    Node gw =
        NetmapTest.node("g", A, 2).toBuilder()
            .setName("gw.ts.net.")
            .addAllApprovedRoutes(both)
            .build();
    Node router =
        NetmapTest.node("r", B, 3).toBuilder()
            .setName("db.ts.net.")
            .addApprovedRoutes("10.1.0.0/16")
            .build();
    Netmap m = new Netmap(self, java.util.Map.of("g", gw, "r", router), 1, "");
    RoutePrefs prefs =
        RoutePrefs.DEFAULT.withAdvertiseRoutes(List.of("192.168.1.0/24")).withExitNode("gw");
    AgentStatus s =
        StatusView.build(
            BackendState.Running, "", "", "", "tl0", 41641, m, List.of(), k -> null, 0, prefs, NOW);
    assertEquals("gw", s.exitNode());
    assertEquals(List.of("192.168.1.0/24"), s.self().routes().advertised());
    assertEquals(List.of("192.168.1.0/24"), s.self().routes().primary());
    NodeView g = s.peers().stream().filter(p -> p.id().equals("g")).findFirst().orElseThrow();
    NodeView r = s.peers().stream().filter(p -> p.id().equals("r")).findFirst().orElseThrow();
    assertTrue(g.routes().exitNodeOption() && g.routes().exitNodeActive());
    assertFalse(r.routes().exitNodeOption() || r.routes().exitNodeActive());
    assertEquals(List.of("10.1.0.0/16"), r.routes().approved());
    assertEquals(List.of(), r.routes().primary(), "a standby router");
  }
}
