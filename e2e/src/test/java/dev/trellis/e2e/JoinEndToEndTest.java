package dev.trellis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.netlab.Command;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Devices join and talk, end to end: the all-in-one server in the root namespace and three agents,
 * each in its own namespace on a shared bridge, all started with the shipped launchers. They join
 * with auth keys, ping each other over their 100.x addresses and carry TCP; an ephemeral node that
 * goes offline is removed; an expired key stops its node's traffic and re-authentication keeps the
 * address; an admin deleting a node makes it vanish from the others' status within a second.
 */
@RootTest
@IntegrationTest
class JoinEndToEndTest {
  /** How quickly a change must reach every device (the bound). */
  static final long PROPAGATION_BOUND_MS = 1000;

  @BeforeAll
  static void root() {
    Lab.requireRoot();
  }

  @Test
  void threeDevicesJoinTalkAndLeave() throws Exception {
    try (Lab lab = new Lab()) {
      ServerUnderTest server =
          ServerUnderTest.start(
              lab, "server", "e2e-" + lab.tag, List.of("--ephemeral-offline-timeout", "3s"));
      String key = server.authKey("default", Map.of("reusable", true, "preapproved", true));
      String ephemeralKey = server.authKey("default", Map.of("reusable", true, "ephemeral", true));

      AgentUnderTest a = AgentUnderTest.start(lab, lab.device(), "alpha");
      AgentUnderTest b = AgentUnderTest.start(lab, lab.device(), "bravo");
      AgentUnderTest c = AgentUnderTest.start(lab, lab.device(), "charlie");
      a.up(server.loginServer, key).requireOk("alpha up");
      b.up(server.loginServer, key).requireOk("bravo up");
      long upStart = System.nanoTime();
      c.up(server.loginServer, ephemeralKey).requireOk("charlie up");
      String aIp = a.ipv4();
      while (!c.ping(aIp)) {
        assertTrue(System.nanoTime() - upStart < 30_000_000_000L, "no first ping in 30 s");
      }
      long upToPingMs = (System.nanoTime() - upStart) / 1_000_000;
      System.out.println("FIGURE up-to-first-ping-ms " + upToPingMs);

      for (AgentUnderTest x : List.of(a, b, c)) {
        x.await(
            "Running with two peers",
            s -> "Running".equals(s.state()) && s.peers().size() == 2,
            10_000);
      }
      for (AgentUnderTest from : List.of(a, b, c)) {
        for (AgentUnderTest to : List.of(a, b, c)) {
          if (from != to) {
            // The first packets of a pair that has not talked yet set up the path and the
            // WireGuard session, so allow a few seconds rather than one ping.
            assertTrue(waitPing(from, to.ipv4()), from.name + " -> " + to.name);
          }
        }
      }
      assertTcp(lab, a, b);
      // each peer's owner comes from the coordinator's user profiles: the key's creator
      String aStatus = a.trellis("status").requireOk("status").out();
      assertTrue(
          aStatus.lines().anyMatch(l -> l.contains(" bravo") && l.contains(" admin@localhost ")),
          aStatus);

      // An ephemeral node that goes away is removed once it has been offline past the grace.
      c.kill();
      a.await("charlie removed", s -> s.peers().size() == 1, 30_000);
      b.await("charlie removed", s -> s.peers().size() == 1, 10_000);

      // An expired node key stops that node's traffic; re-authenticating keeps its address.
      String bIp = b.ipv4();
      String bId = b.status().self().id();
      server.call("POST", "/api/v1/nodes/" + bId + "/expire", null, 200);
      b.await("needs login", s -> "NeedsLogin".equals(s.state()), 5_000);
      // a keeps bravo, shown as expired (as Tailscale does), not silently dropped
      a.await("bravo listed as expired", s -> peerListedExpired(s, "bravo"), 5_000);
      assertTrue(
          a.trellis("status")
              .requireOk("status")
              .out()
              .lines()
              .anyMatch(l -> l.contains(" bravo") && l.contains("  expired")),
          "status shows bravo as expired");
      assertFalse(a.ping(bIp), "traffic to an expired node stops");
      b.up(server.loginServer, key, "--force-reauth").requireOk("bravo re-auth");
      b.await("Running again", s -> "Running".equals(s.state()) && s.peers().size() == 1, 10_000);
      assertEquals(bIp, b.ipv4(), "re-authentication keeps the address");
      a.await("bravo back", s -> !peerGoneOrExpired(s, "bravo"), 5_000);
      assertTrue(waitPing(a, bIp), "traffic flows again after re-authentication");

      // An admin deletes a node: it vanishes from the others within a second and its traffic stops.
      long deleted = System.nanoTime();
      server.call("DELETE", "/api/v1/nodes/" + bId, null, 200);
      long vanishMs = a.await("bravo deleted", s -> s.peers().isEmpty(), 5_000);
      long sinceDelete = (System.nanoTime() - deleted) / 1_000_000;
      System.out.println("FIGURE delete-to-vanish-ms " + sinceDelete);
      assertTrue(
          sinceDelete <= PROPAGATION_BOUND_MS,
          "deleted node still visible after " + sinceDelete + " ms (poll " + vanishMs + ")");
      assertFalse(a.ping(bIp), "traffic to a deleted node stops");
      b.await("logged out", s -> "NeedsLogin".equals(s.state()), 5_000);
      assertNull(a.peer(b));
      assertNotEquals("", a.ipv4());
    }
  }

  static boolean peerListedExpired(dev.trellis.agent.localapi.AgentStatus s, String name) {
    return s.peers().stream().anyMatch(p -> p.name().startsWith(name) && p.expired());
  }

  static boolean peerGoneOrExpired(dev.trellis.agent.localapi.AgentStatus s, String name) {
    return s.peers().stream().noneMatch(p -> p.name().startsWith(name) && !p.expired());
  }

  static boolean waitPing(AgentUnderTest from, String ip) throws Exception {
    for (int i = 0; i < 10; i++) {
      if (from.ping(ip)) {
        return true;
      }
    }
    return false;
  }

  /** TCP across the tunnel: iperf3 from one device to the other for one second. */
  static void assertTcp(Lab lab, AgentUnderTest client, AgentUnderTest server) throws Exception {
    String ip = server.ipv4();
    lab.start(
        List.of("ip", "netns", "exec", server.ns, "iperf3", "-s", "-1", "-B", ip),
        lab.dir.resolve("iperf-" + server.name + ".log"));
    Command.Result r = null;
    for (int i = 0; i < 20; i++) {
      r = lab.run(client.ns, List.of("iperf3", "-c", ip, "-t", "1"), 30);
      if (r.code() == 0) {
        break;
      }
      Thread.sleep(200);
    }
    assertEquals(0, r.code(), "TCP over the tunnel: " + r.out());
    System.out.println(
        "FIGURE tcp " + r.out().lines().filter(l -> l.contains("receiver")).findFirst().orElse(""));
  }
}
