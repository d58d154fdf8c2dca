package dev.trellis.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.trellis.agent.device.DeviceConfig;
import dev.trellis.agent.device.PeerConfig;
import dev.trellis.agent.netmap.Netmap;
import dev.trellis.agent.routes.RoutePrefs;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.net.IpPrefix;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The WireGuard peers get the routes the preferences ask for, and the exit node its /0s. */
class NetmapConfigRoutesTest {
  private static Node node(int n, boolean exit, String... primary) {
    Node.Builder b =
        Node.newBuilder()
            .setId("n" + n)
            .setName("h" + n + ".acme.trellis.internal.")
            .setNodeKey(ByteString.copyFrom(NodePrivateKey.generate().publicKey().toBytes()))
            .setMachineAuthorized(true)
            .addAddresses("100.64.0." + n + "/32")
            .addAllowedIps("100.64.0." + n + "/32")
            .addAllAllowedIps(List.of(primary))
            .addAllPrimaryRoutes(List.of(primary))
            .addAllApprovedRoutes(List.of(primary));
    if (exit) {
      b.addApprovedRoutes("0.0.0.0/0").addApprovedRoutes("::/0");
      b.addAllowedIps("0.0.0.0/0").addAllowedIps("::/0");
    }
    return b.build();
  }

  private static Map<String, List<IpPrefix>> allowed(Netmap m, RoutePrefs prefs) {
    DeviceConfig c =
        NetmapConfig.device(m, NodePrivateKey.generate(), 0, Instant.now(), true, prefs);
    Map<String, List<IpPrefix>> out = new LinkedHashMap<>();
    for (PeerConfig p : c.peers()) {
      out.put(p.allowedIps().getFirst().toString(), p.allowedIps());
    }
    return out;
  }

  @Test
  void routesAndTheExitNodeFollowThePreferences() {
    Node self = node(1, false);
    Node router = node(2, false, "192.168.2.0/24");
    Node exit = node(3, true);
    Map<String, Node> peers = new LinkedHashMap<>();
    peers.put("n2", router);
    peers.put("n3", exit);
    Netmap m = new Netmap(self, peers, 1, "");
    IpPrefix r2 = IpPrefix.parse("100.64.0.2/32");
    IpPrefix r3 = IpPrefix.parse("100.64.0.3/32");
    IpPrefix sub = IpPrefix.parse("192.168.2.0/24");
    IpPrefix v4 = IpPrefix.parse("0.0.0.0/0");
    IpPrefix v6 = IpPrefix.parse("::/0");
    assertEquals(
        Map.of("100.64.0.2/32", List.of(r2), "100.64.0.3/32", List.of(r3)),
        allowed(m, RoutePrefs.DEFAULT));
    assertEquals(
        Map.of("100.64.0.2/32", List.of(r2, sub), "100.64.0.3/32", List.of(r3, v4, v6)),
        allowed(m, RoutePrefs.DEFAULT.withAcceptRoutes(true).withExitNode("h3")));
  }
}
