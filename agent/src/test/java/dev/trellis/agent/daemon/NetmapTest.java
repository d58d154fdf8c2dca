package dev.trellis.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.trellis.agent.device.DeviceConfig;
import dev.trellis.agent.device.PeerConfig;
import dev.trellis.agent.netmap.Netmap;
import dev.trellis.proto.control.v1.Endpoint;
import dev.trellis.proto.control.v1.EndpointList;
import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.Keepalive;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PeerPatch;
import dev.trellis.proto.control.v1.PeerPatches;
import dev.trellis.proto.control.v1.PeersAdded;
import dev.trellis.proto.control.v1.PeersRemoved;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.net.IpPrefix;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Netmap frames fold into snapshots, and snapshots into WireGuard and TUN configuration. */
class NetmapTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");
  private static final NodePrivateKey SELF_KEY = NodePrivateKey.generate();
  private static final NodePrivateKey KEY_A = NodePrivateKey.generate();
  private static final NodePrivateKey KEY_B = NodePrivateKey.generate();
  private static final NodePrivateKey KEY_C = NodePrivateKey.generate();

  static Node node(String id, NodePrivateKey key, int host, String... endpoints) {
    Node.Builder b =
        Node.newBuilder()
            .setId(id)
            .setName(id + ".tail.example.")
            .setNodeKey(ByteString.copyFrom(key.publicKey().toBytes()))
            .addAddresses("100.64.0." + host + "/32")
            .addAddresses("fd7a:115c:a1e0::" + host + "/128")
            .addAllowedIps("100.64.0." + host + "/32")
            .addAllowedIps("fd7a:115c:a1e0::" + host + "/128")
            .setMachineAuthorized(true);
    for (String e : endpoints) {
      b.addEndpoints(Endpoint.newBuilder().setAddress(e));
    }
    return b.build();
  }

  static MapResponse full(long version, Node self, Node... peers) {
    return MapResponse.newBuilder()
        .setFull(FullNetmap.newBuilder().setSelf(self).addAllPeers(List.of(peers)))
        .setNetmapVersion(version)
        .setResumeToken("t" + version)
        .build();
  }

  private static Netmap start() {
    return Netmap.EMPTY.apply(
        full(
            1,
            node("self", SELF_KEY, 1),
            node("a", KEY_A, 2, "10.0.0.2:41641"),
            node("b", KEY_B, 3, "bogus", "[fd00::3]:41641")));
  }

  @Test
  void fullReplacesEverything() {
    Netmap m = start();
    assertEquals("self", m.self().getId());
    assertEquals(List.of("a", "b"), List.copyOf(m.peers().keySet()));
    assertEquals(1, m.version());
    assertEquals("t1", m.resumeToken());
    Netmap again = m.apply(full(5, node("self", SELF_KEY, 1), node("c", KEY_C, 4)));
    assertEquals(List.of("c"), List.copyOf(again.peers().keySet()));
    assertEquals(5, again.version());
  }

  @Test
  void deltasAddRemoveAndPatchFieldByField() {
    Netmap m = start();
    m =
        m.apply(
            MapResponse.newBuilder()
                .setPeersAdded(PeersAdded.newBuilder().addPeers(node("c", KEY_C, 4)))
                .setNetmapVersion(2)
                .build());
    assertEquals(List.of("a", "b", "c"), List.copyOf(m.peers().keySet()));
    m =
        m.apply(
            MapResponse.newBuilder()
                .setPeersRemoved(PeersRemoved.newBuilder().addNodeIds("b").addNodeIds("nope"))
                .setNetmapVersion(3)
                .build());
    assertEquals(List.of("a", "c"), List.copyOf(m.peers().keySet()));
    NodePublicKey rotated = NodePrivateKey.generate().publicKey();
    m =
        m.apply(
            MapResponse.newBuilder()
                .setPeerPatches(
                    PeerPatches.newBuilder()
                        .addPatches(
                            PeerPatch.newBuilder()
                                .setNodeId("a")
                                .setEndpoints(
                                    EndpointList.newBuilder()
                                        .addEndpoints(
                                            Endpoint.newBuilder().setAddress("10.9.9.9:1")))
                                .setOnline(true)
                                .setNodeKey(ByteString.copyFrom(rotated.toBytes())))
                        .addPatches(PeerPatch.newBuilder().setNodeId("ghost").setOnline(true)))
                .setNetmapVersion(4)
                .build());
    Node a = m.peers().get("a");
    assertEquals("10.9.9.9:1", a.getEndpoints(0).getAddress());
    assertEquals(1, a.getEndpointsCount());
    assertTrue(a.getOnline());
    assertEquals(rotated, NodePublicKey.fromBytes(a.getNodeKey().toByteArray()));
    assertEquals("a.tail.example.", a.getName(), "unpatched fields are kept");
    assertFalse(m.peers().containsKey("ghost"));
    m =
        m.apply(
            MapResponse.newBuilder()
                .setSelfChanged(node("self", SELF_KEY, 9))
                .setNetmapVersion(5)
                .build());
    assertEquals("100.64.0.9/32", m.self().getAddresses(0));
    Netmap kept =
        m.apply(MapResponse.newBuilder().setKeepalive(Keepalive.getDefaultInstance()).build());
    assertEquals(5, kept.version());
    assertEquals(m.peers(), kept.peers());
  }

  @Test
  void expiryPatchesExpireAndUnexpire() {
    Netmap m = start();
    Timestamp past = Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 1).build();
    m =
        m.apply(
            MapResponse.newBuilder()
                .setPeerPatches(
                    PeerPatches.newBuilder()
                        .addPatches(PeerPatch.newBuilder().setNodeId("a").setKeyExpiry(past)))
                .build());
    assertTrue(NetmapConfig.isExpired(m.peers().get("a"), NOW));
    assertEquals(1, NetmapConfig.device(m, SELF_KEY, 0, NOW, true).peers().size());
    m =
        m.apply(
            MapResponse.newBuilder()
                .setPeerPatches(
                    PeerPatches.newBuilder()
                        .addPatches(
                            PeerPatch.newBuilder()
                                .setNodeId("a")
                                .setKeyExpiry(Timestamp.getDefaultInstance())))
                .build());
    assertFalse(NetmapConfig.isExpired(m.peers().get("a"), NOW));
    m =
        m.apply(
            MapResponse.newBuilder()
                .setPeerPatches(
                    PeerPatches.newBuilder()
                        .addPatches(PeerPatch.newBuilder().setNodeId("b").setKeyExpired(true)))
                .build());
    DeviceConfig c = NetmapConfig.device(m, SELF_KEY, 0, NOW, true);
    assertEquals(
        List.of(KEY_A.publicKey()), c.peers().stream().map(PeerConfig::publicKey).toList());
  }

  @Test
  void deviceConfigTakesKeysAllowedIpsFirstUsableEndpointAndKeepalive() {
    DeviceConfig c = NetmapConfig.device(start(), SELF_KEY, 41641, NOW, true);
    assertEquals(41641, c.listenPort());
    assertEquals(2, c.peers().size());
    PeerConfig a = c.peers().get(0);
    assertEquals(KEY_A.publicKey(), a.publicKey());
    assertEquals(
        List.of(IpPrefix.parse("100.64.0.2/32"), IpPrefix.parse("fd7a:115c:a1e0::2/128")),
        a.allowedIps());
    assertEquals("10.0.0.2", a.endpoint().address().getHostAddress());
    assertEquals(41641, a.endpoint().port());
    assertEquals(NetmapConfig.KEEPALIVE, a.persistentKeepalive());
    PeerConfig b = c.peers().get(1);
    assertEquals(41641, b.endpoint().port(), "the malformed first endpoint is skipped");
    assertTrue(b.endpoint().address() instanceof java.net.Inet6Address);
  }

  @Test
  void noPeersWithoutApprovalOrBeforeTheFirstFrameAndNeverSelf() {
    assertTrue(NetmapConfig.device(start(), SELF_KEY, 0, NOW, false).peers().isEmpty());
    assertTrue(NetmapConfig.device(Netmap.EMPTY, SELF_KEY, 0, NOW, true).peers().isEmpty());
    Netmap withSelfAsPeer =
        Netmap.EMPTY.apply(full(1, node("self", SELF_KEY, 1), node("dup", SELF_KEY, 1)));
    assertTrue(NetmapConfig.device(withSelfAsPeer, SELF_KEY, 0, NOW, true).peers().isEmpty());
    Node badKey =
        node("x", KEY_A, 5).toBuilder().setNodeKey(ByteString.copyFrom(new byte[3])).build();
    assertNull(NetmapConfig.peer(badKey, NOW));
  }

  @Test
  void tunAddressesAreHostAddresses() {
    var addrs = NetmapConfig.addresses(node("self", SELF_KEY, 7));
    assertEquals(
        List.of("100.64.0.7/32", "fd7a:115c:a1e0:0:0:0:0:7/128"),
        addrs.stream().map(Object::toString).toList());
    assertTrue(NetmapConfig.addresses(null).isEmpty());
  }
}
