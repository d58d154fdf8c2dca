package dev.trellis.agent.routes;

import static dev.trellis.agent.routes.RouteNodes.exit;
import static dev.trellis.agent.routes.RouteNodes.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trellis.agent.netconf.ExternalProgram;
import dev.trellis.agent.netconf.IpCommand;
import dev.trellis.agent.netconf.NftTable;
import dev.trellis.agent.netmap.Netmap;
import dev.trellis.netlab.NetLab;
import dev.trellis.netlab.Prerequisites;
import dev.trellis.proto.control.v1.RelayMap;
import dev.trellis.proto.control.v1.RelayNode;
import dev.trellis.proto.control.v1.RelayRegion;
import dev.trellis.testkit.tag.RootTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The route installer against the kernel, in a network namespace of the test's own (entered by the
 * installer's thread, so the host is never touched): table 52, the rules, the router's nftables
 * table and IP forwarding are installed, follow the preferences, and are gone after the tunnel
 * stops and after a crash.
 */
@RootTest
class RouteInstallRootTest {
  private static final String TUN = "rt0";
  private static final int PORT = 41641;
  private static final String SERVER = "http://192.0.2.10:8080";

  private NetLab lab;
  private String ns;
  private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
  private final PrintStream log = new PrintStream(logBytes, true);

  // self routes for 192.168.77.0/24; h3 is primary for 10.33.0.0/16; h2 is an exit node
  private final Netmap map =
      new Netmap(
          node(1, List.of("192.168.77.0/24"), List.of("192.168.77.0/24"), List.of()),
          Map.of(
              "n2",
              exit(2),
              "n3",
              node(3, List.of("10.33.0.0/16"), List.of("10.33.0.0/16"), List.of("10.33.0.0/16"))),
          1,
          "",
          RelayMap.newBuilder()
              .putRegions(
                  1,
                  RelayRegion.newBuilder()
                      .setRegionId(1)
                      .addNodes(
                          RelayNode.newBuilder()
                              .setName("r1")
                              .setHostname("relay.invalid")
                              .setIpv4("198.51.100.7"))
                      .build())
              .build(),
          null,
          null);

  private final RoutePrefs prefs =
      RoutePrefs.DEFAULT
          .withAdvertiseRoutes(List.of("192.168.77.0/24"))
          .withAcceptRoutes(true)
          .withExitNode("h2");

  @BeforeEach
  void namespace() throws Exception {
    assumeTrue(
        Prerequisites.root() && Prerequisites.missingTool("ip", "nft").isEmpty(),
        "needs root, ip and nft");
    lab = NetLab.create("rt");
    ns = lab.namespace("rt");
    lab.veth(ns, TUN, ns, "rt0peer"); // stands in for the TUN: a link that is up with a carrier
    lab.up(ns, "rt0peer");
    // the host's own network and default route, in the main table
    lab.ip(ns, "address", "add", "10.200.0.1/24", "dev", "rt0peer");
    lab.ip(ns, "route", "add", "default", "via", "10.200.0.254");
    lab.ip(ns, "address", "add", "100.64.0.1/32", "dev", TUN);
    lab.ip(ns, "-6", "address", "add", "fd7a:115c:a1e0::1/128", "dev", TUN, "nodad");
    lab.up(ns, TUN);
  }

  @AfterEach
  void close() {
    if (lab != null) {
      lab.close();
    }
  }

  private RouteManager manager(RoutePrefs p) {
    return new RouteManager(
        TUN,
        () -> PORT,
        () -> true,
        new PolicyRouting(new IpCommand()),
        new ForwardingTable(
            new NftTable(new ExternalProgram("nft", "nftables"), "inet", "trellis_route_", TUN),
            TUN),
        p,
        SERVER,
        log);
  }

  private String in(String... cmd) throws Exception {
    return lab.exec(ns, cmd);
  }

  private String nftTable() throws Exception {
    return lab.succeeds(ns, "nft", "list", "table", "inet", "trellis_route_" + TUN)
        ? in("nft", "list", "table", "inet", "trellis_route_" + TUN)
        : null;
  }

  private void assertNothingInstalled() throws Exception {
    String rules = in("ip", "-4", "rule") + in("ip", "-6", "rule");
    assertFalse(rules.contains("5210:") || rules.contains("5270:"), rules);
    assertFalse(
        lab.succeeds(ns, "sh", "-c", "ip -4 route show table 52 | grep -q ."),
        "no IPv4 routes in table 52");
    assertFalse(
        lab.succeeds(ns, "sh", "-c", "ip -6 route show table 52 | grep -q ."),
        "no IPv6 routes in table 52");
    assertNull(nftTable());
  }

  @Test
  void installsFollowsThePreferencesAndRemovesEverything() throws Exception {
    RouteManager m = manager(prefs);
    InNetns.run(ns, () -> m.applied(map));
    assertEquals("", logBytes.toString(), "no errors logged");

    String v4rules = in("ip", "-4", "rule");
    assertTrue(v4rules.contains("5210:\tfrom all ipproto udp sport 41641 lookup main"), v4rules);
    assertTrue(v4rules.contains("5270:\tfrom all lookup 52"), v4rules);
    assertTrue(in("ip", "-6", "rule").contains("5270:\tfrom all lookup 52"));
    String table = in("ip", "-4", "route", "show", "table", "52");
    assertTrue(table.contains("default dev rt0 scope link src 100.64.0.1"), table);
    assertTrue(table.contains("10.33.0.0/16 dev rt0 scope link src 100.64.0.1"), table);
    assertTrue(table.contains("throw 192.0.2.10"), table);
    assertTrue(table.contains("throw 198.51.100.7"), table);
    assertFalse(table.contains("192.168.77.0"), "a route this node carries stays local: " + table);
    String table6 = in("ip", "-6", "route", "show", "table", "52");
    assertTrue(table6.contains("default dev rt0"), table6);
    // a lookup goes where the plan says: the exit node for the internet, main for the server
    assertTrue(in("ip", "route", "get", "203.0.113.5").contains("dev rt0"));
    assertTrue(in("ip", "route", "get", "192.0.2.10").contains("via 10.200.0.254 dev rt0peer"));

    assertTrue(nftTable().contains("masquerade"), nftTable());
    assertEquals("1", in("cat", "/proc/sys/net/ipv4/ip_forward").strip());
    assertEquals("1", in("cat", "/proc/sys/net/ipv6/conf/all/forwarding").strip());

    // no exit node, no SNAT: the default routes go, the subnet route stays, no masquerade
    InNetns.run(
        ns, () -> m.preferences(prefs.withExitNode("").withSnatSubnetRoutes(false), SERVER));
    table = in("ip", "-4", "route", "show", "table", "52");
    assertFalse(table.contains("default"), table);
    assertTrue(table.contains("10.33.0.0/16 dev rt0"), table);
    assertFalse(nftTable().contains("masquerade"), nftTable());
    assertTrue(nftTable().contains("iifname \"rt0\" accept"), nftTable());

    // the tunnel stops
    InNetns.run(ns, () -> m.applied(Netmap.EMPTY));
    assertNothingInstalled();
    assertEquals("", logBytes.toString(), "no errors logged");
  }

  @Test
  void routingNothingInstallsNothing() throws Exception {
    RouteManager m = manager(RoutePrefs.DEFAULT);
    Netmap notRouting =
        new Netmap(RouteNodes.plain(1), map.peers(), 1, "", map.relayMap(), null, null);
    InNetns.run(ns, () -> m.applied(notRouting));
    assertNothingInstalled();
  }

  @Test
  void whatACrashedRunLeftIsRemovedAtStart() throws Exception {
    InNetns.run(ns, () -> manager(prefs).applied(map)); // and never closed: a crash
    assertTrue(in("ip", "-4", "rule").contains("5270:"));
    assertTrue(nftTable() != null);
    RouteManager next = manager(prefs);
    InNetns.run(ns, next::recover);
    assertNothingInstalled();
    // and it installs afresh after that
    InNetns.run(ns, () -> next.applied(map));
    assertTrue(in("ip", "-4", "route", "show", "table", "52").contains("default dev rt0"));
    InNetns.run(ns, next::close);
    assertNothingInstalled();
  }

  @Test
  void theHelperThreadReallyRunsInTheNamespace() throws Exception {
    String inside =
        InNetns.call(
            ns, () -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
    String host = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
    assertFalse(inside.equals(host), inside);
  }
}
