package dev.trellis.e2e.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.e2e.AgentUnderTest;
import dev.trellis.e2e.Lab;
import dev.trellis.e2e.ServerUnderTest;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A subnet router end to end: a "site" network with a plain host that runs no agent, a router
 * device plugged into it that advertises the site's prefix, and a remote device that accepts
 * routes, all in their own namespaces around the real all-in-one server. The remote device reaches
 * the host by IP (ping and TCP, the host seeing the router's address: SNAT) once an admin approves
 * the route, not before, and no longer once it is unapproved; a policy's autoApprovers approve a
 * tagged router's route with no admin, and the router's packet filter holds forwarded traffic to
 * the one port the policy allows on the site's host. TCP throughput through the router and to the
 * router itself over the tunnel are printed as figures from the same run.
 */
@RootTest
@IntegrationTest
class SubnetRouterTest {
  @BeforeAll
  static void root() {
    Lab.requireRoot();
  }

  @Test
  void aRouteCarriesTrafficOnlyWhileApproved() throws Exception {
    try (Lab lab = new Lab()) {
      ServerUnderTest server = ServerUnderTest.start(lab, "server", "rt-" + lab.tag, List.of());
      String key = server.authKey("default", Map.of("reusable", true, "preapproved", true));
      Site site = Site.build(lab, "172.31.50");
      String routerNs = lab.device();
      String routerLan = site.attach(routerNs, "lan0", 1);
      AgentUnderTest router = AgentUnderTest.start(lab, routerNs, "router");
      AgentUnderTest remote = AgentUnderTest.start(lab, lab.device(), "remote");
      router.up(server.loginServer(), key, "--advertise-routes", site.cidr()).requireOk("router");
      remote.up(server.loginServer(), key, "--accept-routes").requireOk("remote up");
      remote.await("sees the router", s -> s.peers().size() == 1, 20_000);
      String id = server.nodeId("default", "router");
      Routes.await(
          "the route advertised",
          () -> Routes.list(server, id, "advertised").contains(site.cidr()),
          15_000);

      // Offered but not approved: nothing reaches the site.
      assertFalse(remote.ping(site.hostIp()), "the host answered before the route was approved");
      assertNull(TcpProbe.peerSeenBy(lab, remote.ns(), site.hostIp()));

      long approved = System.nanoTime();
      Routes.approve(server, id, site.cidr());
      Routes.await("ping through the router", () -> remote.ping(site.hostIp()), 20_000);
      System.out.println(
          "FIGURE route-approval-to-first-ping-ms " + (System.nanoTime() - approved) / 1_000_000);
      assertEquals(
          routerLan,
          TcpProbe.awaitPeerSeenBy(lab, remote.ns(), site.hostIp(), Site.PORT, routerLan, 10_000));
      assertEquals(
          routerLan,
          TcpProbe.awaitPeerSeenBy(
              lab, remote.ns(), site.hostIp(), Site.OTHER_PORT, routerLan, 10_000));
      assertEquals(List.of(site.cidr()), Routes.list(server, id, "primary"));

      double routed =
          Iperf.gbits(lab, "tcp-through-subnet-router", remote.ns(), site.hostNs, site.hostIp());
      double direct =
          Iperf.gbits(lab, "tcp-direct-to-router", remote.ns(), routerNs, router.ipv4());
      System.out.printf("FIGURE subnet-router-vs-direct %.2f / %.2f Gbit/s%n", routed, direct);
      assertTrue(routed > 0 && direct > 0);

      Routes.approve(server, id);
      Routes.await("the route withdrawn", () -> !remote.ping(site.hostIp()), 20_000);
      assertNull(TcpProbe.peerSeenBy(lab, remote.ns(), site.hostIp()));
    }
  }

  @Test
  void autoApproversApproveATaggedRoutersRouteWithNoAdmin() throws Exception {
    try (Lab lab = new Lab()) {
      ServerUnderTest server = ServerUnderTest.start(lab, "server", "ra-" + lab.tag, List.of());
      assertEquals(
          200,
          server.setPolicy(
              """
              {
                "tagOwners": {"tag:router": ["autogroup:admin"]},
                "autoApprovers": {"routes": {"172.31.0.0/16": ["tag:router"]}},
                // The site's host on one port only: the router's filter applies it to the
                // traffic it forwards.
                "acls": [{"action": "accept", "src": ["*"], "dst": ["172.31.51.10:7007"]}],
              }
              """));
      String key = server.authKey("default", Map.of("reusable", true, "preapproved", true));
      Site site = Site.build(lab, "172.31.51");
      String routerNs = lab.device();
      String routerLan = site.attach(routerNs, "lan0", 1);
      AgentUnderTest router = AgentUnderTest.start(lab, routerNs, "router");
      AgentUnderTest remote = AgentUnderTest.start(lab, lab.device(), "remote");
      router
          .up(
              server.loginServer(),
              key,
              "--advertise-tags",
              "tag:router",
              "--advertise-routes",
              site.cidr())
          .requireOk("router up");
      remote.up(server.loginServer(), key, "--accept-routes").requireOk("remote up");
      Routes.await(
          "TCP through the router",
          () -> routerLan.equals(TcpProbe.peerSeenBy(lab, remote.ns(), site.hostIp())),
          30_000);
      assertNull(
          TcpProbe.peerSeenBy(lab, remote.ns(), site.hostIp(), Site.OTHER_PORT),
          "a port the policy does not allow was forwarded");
      String id = server.nodeId("default", "router");
      assertEquals(List.of(site.cidr()), Routes.list(server, id, "autoApproved"));
      assertEquals(List.of(), Routes.list(server, id, "approved"), "no admin approved it");
    }
  }
}
