package dev.trellis.agent.routes;

import dev.trellis.agent.netmap.Netmap;
import dev.trellis.agent.netmap.PeerName;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.net.AdvertisedRoutes;
import dev.trellis.proto.net.IpLiteral;

/**
 * Which peer {@code --exit-node} names, and which peers may be one: a peer is an exit node when
 * both default routes are in force for it ({@link Node#getApprovedRoutesList()} holds 0.0.0.0/0 and
 * ::/0).
 *
 * <p>Thread-safety: stateless.
 */
public final class ExitNodes {
  private ExitNodes() {}

  /** Whether {@code n} is an approved exit node. */
  public static boolean isExitNode(Node n) {
    return n.getApprovedRoutesList().contains(AdvertisedRoutes.EXIT_V4.toString())
        && n.getApprovedRoutesList().contains(AdvertisedRoutes.EXIT_V6.toString());
  }

  /** Whether {@code n} offers to be an exit node (approved or not). */
  public static boolean offersExit(Node n) {
    return n.getHostInfo().getRoutableIpsList().contains(AdvertisedRoutes.EXIT_V4.toString());
  }

  /** The peer {@code query} names (full or short name, or one of its addresses), or null. */
  public static Node peer(Netmap map, String query) {
    if (query == null || query.isBlank()) {
      return null;
    }
    String q = query.strip();
    for (Node n : map.peers().values()) {
      if (PeerName.matches(n.getName(), q)) {
        return n;
      }
      for (String a : n.getAddressesList()) {
        int slash = a.indexOf('/');
        if (sameAddress(slash > 0 ? a.substring(0, slash) : a, q)) {
          return n;
        }
      }
    }
    return null;
  }

  /** The approved exit node {@code query} names, or null when it names none or not an exit node. */
  public static Node chosen(Netmap map, String query) {
    Node n = peer(map, query);
    return n != null && isExitNode(n) ? n : null;
  }

  /**
   * Why {@code query} cannot be the exit node of {@code map}, or null when it can.
   *
   * @param query a name, short name or tailnet address
   */
  public static String problem(Netmap map, String query) {
    Node n = peer(map, query);
    if (n == null) {
      return "--exit-node: no peer named '" + query + "' in the netmap";
    }
    if (!isExitNode(n)) {
      return "--exit-node: '"
          + query
          + "' is not an approved exit node"
          + (offersExit(n) ? " (it offers to be one; an admin must approve it)" : "");
    }
    return null;
  }

  private static boolean sameAddress(String a, String b) {
    try {
      return IpLiteral.parse(a).equals(IpLiteral.parse(b));
    } catch (RuntimeException e) {
      return false;
    }
  }
}
