package dev.trellis.agent.routes;

import static dev.trellis.agent.routes.RouteNodes.exit;
import static dev.trellis.agent.routes.RouteNodes.map;
import static dev.trellis.agent.routes.RouteNodes.node;
import static dev.trellis.agent.routes.RouteNodes.plain;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.agent.netmap.Netmap;
import dev.trellis.proto.net.IpLiteral;
import dev.trellis.proto.net.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What table 52 and the rules hold for a netmap and the preferences. */
class RoutePlanTest {
  private static final List<InetAddress> BYPASS =
      List.of(IpLiteral.parse("192.0.2.10"), IpLiteral.parse("2001:db8::10"));
  private static final List<IpPrefix> LAN = List.of(IpPrefix.parse("192.168.1.0/24"));
  private static final RoutePrefs ACCEPT = RoutePrefs.DEFAULT.withAcceptRoutes(true);

  // self offers 192.168.9.0/24 itself; n3 is primary for 10.3.0.0/16 and 192.168.9.0/24 (a
  // standby elsewhere would never be primary, but a route this node carries stays local anyway)
  private final Netmap m =
      map(
          node(1, List.of("192.168.9.0/24"), List.of("192.168.9.0/24"), List.of()),
          exit(2),
          node(
              3,
              List.of("10.3.0.0/16", "192.168.9.0/24", "fd00:3::/64"),
              List.of("10.3.0.0/16", "192.168.9.0/24", "fd00:3::/64"),
              List.of("10.3.0.0/16", "192.168.9.0/24", "fd00:3::/64")));

  private static List<String> routes(RoutePlan p) {
    return p.routes().stream().map(r -> String.join(" ", r.installArgs())).toList();
  }

  private static List<String> rules(RoutePlan p) {
    return p.rules().stream().map(r -> String.join(" ", r.addArgs())).toList();
  }

  @Test
  void nothingAskedForIsNothingInstalled() {
    assertEquals(
        RoutePlan.EMPTY, RoutePlan.of(m, RoutePrefs.DEFAULT, "t0", 41641, BYPASS, LAN, true));
    assertEquals(
        RoutePlan.EMPTY, RoutePlan.of(Netmap.EMPTY, ACCEPT, "t0", 41641, BYPASS, LAN, true));
    assertEquals(
        RoutePlan.EMPTY,
        RoutePlan.of(map(plain(1), plain(2)), ACCEPT, "t0", 41641, BYPASS, LAN, true),
        "accepting routes when nobody offers any");
  }

  @Test
  void acceptedRoutesGoIntoTheTunExceptOnesThisNodeCarries() {
    RoutePlan p = RoutePlan.of(m, ACCEPT, "t0", 41641, BYPASS, LAN, true);
    assertEquals(
        List.of(
            "-4 route replace throw 192.0.2.10/32 table 52",
            "-6 route replace throw 2001:db8::10/128 table 52",
            "-4 route replace 10.3.0.0/16 dev t0 src 100.64.0.1 table 52",
            "-6 route replace fd00:3::/64 dev t0 src fd7a:115c:a1e0::1 table 52"),
        routes(p));
    assertEquals(
        List.of(
            "-4 rule add pref 5210 ipproto udp sport 41641 lookup main",
            "-4 rule add pref 5270 lookup 52",
            "-6 rule add pref 5210 ipproto udp sport 41641 lookup main",
            "-6 rule add pref 5270 lookup 52"),
        rules(p));
  }

  @Test
  void anExitNodeTakesTheDefaultRoutesAndTheLanOnlyWhenAskedToKeepIt() {
    RoutePrefs viaExit = RoutePrefs.DEFAULT.withExitNode("h2");
    RoutePlan p = RoutePlan.of(m, viaExit, "t0", 41641, BYPASS, LAN, true);
    assertEquals(
        List.of(
            "-4 route replace throw 192.0.2.10/32 table 52",
            "-6 route replace throw 2001:db8::10/128 table 52",
            "-4 route replace 0.0.0.0/0 dev t0 src 100.64.0.1 table 52",
            "-6 route replace ::/0 dev t0 src fd7a:115c:a1e0::1 table 52"),
        routes(p));
    p = RoutePlan.of(m, viaExit.withExitNodeAllowLanAccess(true), "t0", 41641, BYPASS, LAN, true);
    assertEquals("-4 route replace throw 192.168.1.0/24 table 52", routes(p).get(2));
    assertEquals(
        RoutePlan.EMPTY,
        RoutePlan.of(m, viaExit.withExitNode("h3"), "t0", 41641, BYPASS, LAN, true),
        "h3 is not an exit node");
  }

  @Test
  void withoutIpv6OnlyTheIpv4Half() {
    RoutePlan p = RoutePlan.of(m, ACCEPT.withExitNode("100.64.0.2"), "t0", 0, BYPASS, LAN, false);
    assertEquals(
        List.of(
            "-4 route replace throw 192.0.2.10/32 table 52",
            "-4 route replace 10.3.0.0/16 dev t0 src 100.64.0.1 table 52",
            "-4 route replace 0.0.0.0/0 dev t0 src 100.64.0.1 table 52"),
        routes(p));
    assertEquals(List.of("-4 rule add pref 5270 lookup 52"), rules(p), "port 0: no bypass rule");
  }
}
