package dev.trellis.agent.routes;

import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.net.AdvertisedRoutes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a peer's WireGuard allowed IPs are on this device: the coordinator's {@code allowed_ips}
 * (its addresses, its primary subnet routes, both /0s for an exit node) less its primary routes
 * unless this device accepts routes, and less the /0s unless it is the chosen exit node. So a
 * device takes only the routes it asked for, and traffic from a subnet behind a router is accepted
 * only when it routes to that subnet.
 *
 * <p>Thread-safety: stateless.
 */
public final class PeerRoutes {
  private PeerRoutes() {}

  /**
   * The allowed IPs (CIDR text, as the coordinator sent them) to configure for {@code n}.
   *
   * @param exitNodeId the id of the chosen exit node, or null for none
   */
  public static List<String> allowedIps(Node n, RoutePrefs prefs, String exitNodeId) {
    Set<String> primary = Set.copyOf(n.getPrimaryRoutesList());
    boolean exit = exitNodeId != null && exitNodeId.equals(n.getId());
    List<String> out = new ArrayList<>();
    for (String s : n.getAllowedIpsList()) {
      String t = s.strip();
      if (AdvertisedRoutes.isExit(t)) {
        if (exit) {
          out.add(t);
        }
      } else if (!primary.contains(t) || prefs.acceptRoutes()) {
        out.add(t);
      }
    }
    return out;
  }
}
