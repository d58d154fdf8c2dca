package dev.trellis.agent.routes;

import dev.trellis.agent.netmap.Netmap;
import dev.trellis.proto.control.v1.HostInfo;
import dev.trellis.proto.control.v1.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Nodes and netmaps for the route tests, shaped as the coordinator sends them. */
final class RouteNodes {
  private RouteNodes() {}

  /**
   * A node numbered {@code n} ({@code 100.64.0.n}, {@code fd7a:115c:a1e0::n}) that offers {@code
   * offered}, has {@code approved} in force and is primary for {@code primary}; allowed IPs as the
   * coordinator computes them.
   */
  static Node node(int n, List<String> offered, List<String> approved, List<String> primary) {
    Node.Builder b =
        Node.newBuilder()
            .setId("n" + n)
            .setName("h" + n + ".acme.trellis.internal.")
            .addAddresses("100.64.0." + n + "/32")
            .addAddresses("fd7a:115c:a1e0::" + n + "/128")
            .setHostInfo(HostInfo.newBuilder().setHostname("h" + n).addAllRoutableIps(offered))
            .addAllApprovedRoutes(approved)
            .addAllPrimaryRoutes(primary);
    b.addAllAllowedIps(b.getAddressesList());
    b.addAllAllowedIps(primary);
    if (approved.contains("0.0.0.0/0")) {
      b.addAllowedIps("0.0.0.0/0").addAllowedIps("::/0");
    }
    return b.build();
  }

  static Node plain(int n) {
    return node(n, List.of(), List.of(), List.of());
  }

  static Node exit(int n) {
    List<String> both = List.of("0.0.0.0/0", "::/0");
    return node(n, both, both, List.of());
  }

  static Netmap map(Node self, Node... peers) {
    Map<String, Node> byId = new LinkedHashMap<>();
    for (Node p : peers) {
      byId.put(p.getId(), p);
    }
    return new Netmap(self, byId, 1, "");
  }
}
