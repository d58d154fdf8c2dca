package dev.trellis.agent.routes;

import dev.trellis.proto.net.AdvertisedRoutes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The device's route preferences, set by {@code trellis up} and {@code trellis set} and kept in the
 * state file: what it offers to route for the tailnet and what it takes from its peers.
 *
 * @param advertiseRoutes the subnet routes it offers, canonical and sorted ({@code
 *     --advertise-routes})
 * @param advertiseExitNode whether it offers to be an exit node ({@code --advertise-exit-node})
 * @param acceptRoutes whether it routes to its peers' primary subnet routes ({@code
 *     --accept-routes})
 * @param exitNode the peer all its other traffic goes through (a name, short name or tailnet
 *     address), or empty for none ({@code --exit-node})
 * @param exitNodeAllowLanAccess whether the host's directly connected networks stay local while an
 *     exit node is in use ({@code --exit-node-allow-lan-access})
 * @param snatSubnetRoutes whether traffic it forwards from the tunnel to a subnet is masqueraded
 *     behind this host's address ({@code --snat-subnet-routes}, default true)
 *     <p>Thread-safety: immutable.
 */
public record RoutePrefs(
    List<String> advertiseRoutes,
    boolean advertiseExitNode,
    boolean acceptRoutes,
    String exitNode,
    boolean exitNodeAllowLanAccess,
    boolean snatSubnetRoutes) {
  /** Nothing offered, nothing accepted, SNAT on. */
  public static final RoutePrefs DEFAULT = new RoutePrefs(List.of(), false, false, "", false, true);

  public RoutePrefs {
    advertiseRoutes = AdvertisedRoutes.offer(advertiseRoutes, false);
    exitNode = exitNode == null ? "" : exitNode.strip();
  }

  /** The routes it offers in its host info: the subnets, plus both /0s as an exit node. */
  public List<String> advertised() {
    return AdvertisedRoutes.offer(advertiseRoutes, advertiseExitNode);
  }

  /**
   * Parses a comma-separated {@code --advertise-routes} value (empty: none).
   *
   * @throws IllegalArgumentException naming the bad route
   */
  public static List<String> parseRoutes(String commaSeparated) {
    List<String> out = new ArrayList<>();
    for (String s : commaSeparated.split(",")) {
      if (!s.isBlank()) {
        out.add(AdvertisedRoutes.subnet(s.strip()).toString());
      }
    }
    return AdvertisedRoutes.offer(out, false);
  }

  public RoutePrefs withAdvertiseRoutes(Collection<String> routes) {
    return new RoutePrefs(
        List.copyOf(routes),
        advertiseExitNode,
        acceptRoutes,
        exitNode,
        exitNodeAllowLanAccess,
        snatSubnetRoutes);
  }

  public RoutePrefs withAdvertiseExitNode(boolean v) {
    return new RoutePrefs(
        advertiseRoutes, v, acceptRoutes, exitNode, exitNodeAllowLanAccess, snatSubnetRoutes);
  }

  public RoutePrefs withAcceptRoutes(boolean v) {
    return new RoutePrefs(
        advertiseRoutes, advertiseExitNode, v, exitNode, exitNodeAllowLanAccess, snatSubnetRoutes);
  }

  public RoutePrefs withExitNode(String v) {
    return new RoutePrefs(
        advertiseRoutes,
        advertiseExitNode,
        acceptRoutes,
        v,
        exitNodeAllowLanAccess,
        snatSubnetRoutes);
  }

  public RoutePrefs withExitNodeAllowLanAccess(boolean v) {
    return new RoutePrefs(
        advertiseRoutes, advertiseExitNode, acceptRoutes, exitNode, v, snatSubnetRoutes);
  }

  public RoutePrefs withSnatSubnetRoutes(boolean v) {
    return new RoutePrefs(
        advertiseRoutes, advertiseExitNode, acceptRoutes, exitNode, exitNodeAllowLanAccess, v);
  }
}
