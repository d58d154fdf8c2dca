package dev.trellis.e2e.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * High availability of a subnet route: two routers on one site network advertise the same prefix,
 * both approved; a remote device keeps a TCP session to the site's plain host (an echo every 50
 * ms). The primary's agent dies: in odd rounds it is killed with SIGKILL (its connections close),
 * in even rounds it is frozen with SIGSTOP (it stops answering and its connections stay open, as
 * when a host hangs or loses its network). The session carries on through the other router (the
 * host sees the other router's address), and the time from the kill to the first echo through it is
 * printed as a figure. The dead router then comes back (restarted, or let run on) and must not take
 * the route back (the session stays where it is: no flapping), and the next round takes the other
 * one down. Rounds: {@code -Dtrellis.routes.failovers} (2 by default; the benchmark runs more).
 *
 * <p>An established connection cannot move between routers as such: each router masquerades the
 * site traffic to its own address, so the host knows the old connection by the dead router's
 * address and refuses it through the new one; the probe reconnects at once, and the figure is the
 * time until traffic flows again.
 */
@RootTest
@IntegrationTest
class RouterFailoverTest {
  @BeforeAll
  static void root() {
    Lab.requireRoot();
  }

  @Test
  void theRouteMovesToTheOtherRouterWhenThePrimaryDies() throws Exception {
    try (Lab lab = new Lab()) {
      ServerUnderTest server = ServerUnderTest.start(lab, "server", "rf-" + lab.tag, List.of());
      String key = server.authKey("default", Map.of("reusable", true, "preapproved", true));
      Site site = Site.build(lab, "172.31.52");
      String nsA = lab.device();
      String nsB = lab.device();
      String lanA = site.attach(nsA, "lan0", 1);
      String lanB = site.attach(nsB, "lan0", 2);
      AgentUnderTest a = AgentUnderTest.start(lab, nsA, "router-a");
      AgentUnderTest b = AgentUnderTest.start(lab, nsB, "router-b");
      AgentUnderTest remote = AgentUnderTest.start(lab, lab.device(), "remote");
      remote.up(server.loginServer(), key, "--accept-routes").requireOk("remote up");
      a.up(server.loginServer(), key, "--advertise-routes", site.cidr()).requireOk("a up");
      String idA = server.nodeId("default", "router-a");
      Routes.await(
          "a's route advertised",
          () -> Routes.list(server, idA, "advertised").contains(site.cidr()),
          15_000);
      Routes.approve(server, idA, site.cidr());
      Routes.await("ping through router a", () -> remote.ping(site.hostIp()), 20_000);
      b.up(server.loginServer(), key, "--advertise-routes", site.cidr()).requireOk("b up");
      String idB = server.nodeId("default", "router-b");
      Routes.await(
          "b's route advertised",
          () -> Routes.list(server, idB, "advertised").contains(site.cidr()),
          15_000);
      Routes.approve(server, idB, site.cidr());
      Routes.await(
          "b in force as standby",
          () -> Routes.list(server, idB, "inForce").contains(site.cidr()),
          10_000);
      assertEquals(List.of(site.cidr()), Routes.list(server, idA, "primary"));
      assertEquals(List.of(), Routes.list(server, idB, "primary"), "a stays primary");

      int rounds = Integer.getInteger("trellis.routes.failovers", 2);
      TcpProbe probe = TcpProbe.start(lab, remote.ns(), site.hostIp(), 60 + 25 * rounds);
      try {
        long settled = probe.awaitOkAfter(System.currentTimeMillis(), 10_000);
        assertTrue(settled > 0, "no echo through router a: " + probe.log());
        AgentUnderTest primary = a;
        AgentUnderTest standby = b;
        String standbyLan = lanB;
        String primaryLan = lanA;
        for (int round = 1; round <= rounds; round++) {
          assertEquals(primaryLan, probe.peerBefore(System.currentTimeMillis()), probe.log());
          boolean freeze = round % 2 == 0;
          long killedAt = System.currentTimeMillis();
          if (freeze) {
            primary.freeze();
          } else {
            primary.kill();
          }
          long flowing = probe.awaitOkVia(standbyLan, killedAt, 30_000);
          assertTrue(flowing > 0, "no echo through the standby:\n" + probe.log());
          System.out.println(
              "FIGURE router-failover-ms "
                  + (flowing - killedAt)
                  + " (round "
                  + round
                  + (freeze ? ", SIGSTOP)" : ", SIGKILL)"));

          // The dead router returns: the route stays with the new primary.
          if (freeze) {
            primary.thaw();
          } else {
            primary.restart();
          }
          AgentUnderTest back = primary;
          String standbyId = standby == a ? idA : idB;
          String backId = back == a ? idA : idB;
          back.await("its netmap again", s -> s.peers().size() == 2, 60_000);
          Routes.await(
              back.name + " online again",
              () ->
                  server
                      .api("GET", "/api/v1/nodes/" + backId, null, 200)
                      .path("offlineSince")
                      .isNull(),
              30_000);
          long returned = System.currentTimeMillis();
          Thread.sleep(3_000);
          assertEquals(List.of(site.cidr()), Routes.list(server, standbyId, "primary"));
          String backLan = back == a ? lanA : lanB;
          assertTrue(
              !probe.connectedViaAfter(backLan, returned),
              "the session moved back when " + back.name + " returned:\n" + probe.log());
          primary = standby;
          standby = back;
          String t = primaryLan;
          primaryLan = standbyLan;
          standbyLan = t;
        }
      } finally {
        probe.stop();
      }
    }
  }
}
