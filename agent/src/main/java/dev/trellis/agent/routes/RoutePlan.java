package dev.trellis.agent.routes;

import dev.trellis.agent.netmap.Netmap;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.net.AdvertisedRoutes;
import dev.trellis.proto.net.IpLiteral;
import dev.trellis.proto.net.IpPrefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the agent's policy routing should be for one netmap and the route preferences: the routes of
 * its own table {@value #TABLE} and the rules that consult it. Pure: {@link PolicyRouting} installs
 * the difference to what is installed.
 *
 * <ul>
 *   <li>With {@code --accept-routes}, each peer's primary subnet routes go into the TUN (except the
 *       routes this node offers itself: it carries them on its own network).
 *   <li>With an exit node, 0.0.0.0/0 and ::/0 go into the TUN, from this node's tailnet addresses.
 *   <li>When there is any such route: {@code throw} routes for the control server's and the relays'
 *       addresses (their TCP connections and STUN keep using the main table), for the host's
 *       directly connected networks with {@code --exit-node-allow-lan-access}; rule {@value
 *       #BYPASS_PREF} sends the agent's own WireGuard/disco/STUN UDP socket to the main table and
 *       rule {@value #LOOKUP_PREF} everything else to table {@value #TABLE}, for IPv4 and IPv6.
 *   <li>Otherwise nothing at all: no table, no rules.
 * </ul>
 *
 * IPv6 routes and rules are left out where the TUN has no IPv6.
 *
 * @param routes the routes of table {@value #TABLE}, in install order
 * @param rules the rules, in install order
 *     <p>Thread-safety: immutable.
 */
public record RoutePlan(List<TableRoute> routes, List<PolicyRule> rules) {
  /** The agent's routing table. */
  public static final int TABLE = 52;

  /** The rule that keeps the agent's own UDP socket on the main table. */
  public static final int BYPASS_PREF = 5210;

  /** The rule that consults table {@value #TABLE}. */
  public static final int LOOKUP_PREF = 5270;

  /** No routes, no rules. */
  public static final RoutePlan EMPTY = new RoutePlan(List.of(), List.of());

  public RoutePlan {
    routes = List.copyOf(routes);
    rules = List.copyOf(rules);
  }

  /**
   * The plan for {@code map} and {@code prefs}.
   *
   * @param tun the TUN interface
   * @param listenPort the agent's UDP port (0: no bypass rule)
   * @param bypass the control server's and relays' addresses
   * @param lan the host's directly connected networks (used with LAN access only)
   * @param v6 whether the TUN has IPv6
   */
  public static RoutePlan of(
      Netmap map,
      RoutePrefs prefs,
      String tun,
      int listenPort,
      Collection<InetAddress> bypass,
      Collection<IpPrefix> lan,
      boolean v6) {
    if (!map.hasSelf()) {
      return EMPTY;
    }
    Node self = map.self();
    String own4 = own(self, false);
    String own6 = own(self, true);
    Set<String> carriedHere = new HashSet<>(self.getApprovedRoutesList());
    carriedHere.addAll(prefs.advertiseRoutes());
    Map<IpPrefix, TableRoute> into = new LinkedHashMap<>();
    if (prefs.acceptRoutes()) {
      for (Node peer : map.peers().values()) {
        for (String r : peer.getPrimaryRoutesList()) {
          IpPrefix p = subnet(r);
          if (p != null && !carriedHere.contains(p.toString())) {
            into.putIfAbsent(p, TableRoute.into(p, tun, isV6(p) ? own6 : own4));
          }
        }
      }
    }
    Node exit = ExitNodes.chosen(map, prefs.exitNode());
    if (exit != null) {
      into.put(AdvertisedRoutes.EXIT_V4, TableRoute.into(AdvertisedRoutes.EXIT_V4, tun, own4));
      into.put(AdvertisedRoutes.EXIT_V6, TableRoute.into(AdvertisedRoutes.EXIT_V6, tun, own6));
    }
    into.keySet().removeIf(p -> isV6(p) && !v6);
    if (into.isEmpty()) {
      return EMPTY;
    }
    Map<IpPrefix, TableRoute> all = new LinkedHashMap<>();
    for (InetAddress a : bypass) {
      IpPrefix host = IpPrefix.of(a);
      all.putIfAbsent(host, TableRoute.bypass(host));
    }
    if (exit != null && prefs.exitNodeAllowLanAccess()) {
      for (IpPrefix p : lan) {
        all.putIfAbsent(p, TableRoute.bypass(p));
      }
    }
    all.keySet().removeIf(p -> into.containsKey(p) || (isV6(p) && !v6));
    List<TableRoute> routes = new ArrayList<>(all.values());
    routes.addAll(into.values());
    List<PolicyRule> rules = new ArrayList<>();
    for (boolean six : v6 ? List.of(false, true) : List.of(false)) {
      if (listenPort > 0) {
        rules.add(
            new PolicyRule(
                six,
                BYPASS_PREF,
                List.of(
                    "ipproto", "udp", "sport", Integer.toString(listenPort), "lookup", "main")));
      }
      rules.add(new PolicyRule(six, LOOKUP_PREF, List.of("lookup", Integer.toString(TABLE))));
    }
    return new RoutePlan(routes, rules);
  }

  private static String own(Node self, boolean v6) {
    for (String a : self.getAddressesList()) {
      IpPrefix p = parse(a);
      if (p != null && isV6(p) == v6) {
        return IpLiteral.format(p.address());
      }
    }
    return null;
  }

  /** A peer's route that may go into the TUN: a valid subnet route, not a default route. */
  private static IpPrefix subnet(String r) {
    try {
      return AdvertisedRoutes.subnet(r.strip());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static IpPrefix parse(String s) {
    try {
      return IpPrefix.parse(s);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static boolean isV6(IpPrefix p) {
    return p.isIpv6();
  }
}
