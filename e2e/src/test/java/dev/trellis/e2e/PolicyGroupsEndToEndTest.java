package dev.trellis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.netlab.Command;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The policy scenario with four devices of two users and a tagged server: alice (in
 * group:eng) has a laptop and a desktop, bob has a laptop, and a server carries tag:server. The
 * policy lets group members reach the tagged server on TCP 22 and 80 only and lets nobody reach the
 * group's laptops; a device may carry the tag only when its key's creator or its user owns it
 * ({@code tagOwners}). Real TCP connections prove the allowed ports connect and the others do not;
 * hidden peers are absent from {@code trellis status}; adding bob to the group opens his access,
 * and removing him closes it again, each within a second and without restarting anything.
 */
@RootTest
@IntegrationTest
class PolicyGroupsEndToEndTest {
  @BeforeAll
  static void root() {
    Lab.requireRoot();
  }

  static String policy(String... engMembers) {
    List<String> quoted = new ArrayList<>();
    for (String m : engMembers) {
      quoted.add("\"" + m + "\"");
    }
    return """
        {
          "groups": {"group:eng": [%s]},
          "tagOwners": {"tag:server": ["autogroup:admin"]},
          // group members may reach tagged servers on SSH and HTTP; nothing reaches laptops
          "acls": [{"action": "accept", "src": ["group:eng"], "proto": "tcp",
                    "dst": ["tag:server:22,80"]}],
        }
        """
        .formatted(String.join(", ", quoted));
  }

  @Test
  void groupMembersReachTheTaggedServerOnTwoPortsOnly() throws Exception {
    try (Lab lab = new Lab()) {
      ServerUnderTest server = ServerUnderTest.start(lab, "server", "e2e-" + lab.tag, List.of());
      SignIn.member(server, "alice@example.com");
      SignIn.member(server, "bob@example.com");
      assertEquals(
          200,
          PolicyEndToEndTest.post(server, "/api/v1/policy", policy("alice@example.com")).status());

      // The server takes its tag from an untagged key: allowed because the key's creator (the
      // first-start owner) is in autogroup:admin, which owns tag:server.
      AgentUnderTest web = AgentUnderTest.start(lab, lab.device(), "web");
      String plainKey = server.authKey("default", Map.of());
      web.up(server.loginServer, plainKey, "--advertise-tags", "tag:server")
          .requireOk("tagged server up");
      AgentUnderTest laptop = AgentUnderTest.start(lab, lab.device(), "alice-laptop");
      AgentUnderTest desktop = AgentUnderTest.start(lab, lab.device(), "alice-desktop");
      AgentUnderTest bob = AgentUnderTest.start(lab, lab.device(), "bob-laptop");
      SignIn.join(lab, server, laptop, "alice@example.com");
      // Alice may not tag a device: she does not own tag:server.
      Command.Result tagged =
          SignIn.tryJoin(
              lab, server, desktop, "alice@example.com", "--advertise-tags", "tag:server");
      assertEquals(1, tagged.code(), tagged.out());
      assertTrue(tagged.out().contains("AUTH_KEY_TAGS_FORBIDDEN"), tagged.out());
      SignIn.join(lab, server, desktop, "alice@example.com");
      SignIn.join(lab, server, bob, "bob@example.com");

      laptop.await("sees only web", s -> names(s).equals(List.of("web")), 10_000);
      desktop.await("sees only web", s -> names(s).equals(List.of("web")), 10_000);
      web.await(
          "sees alice's two devices",
          s -> names(s).equals(List.of("alice-desktop", "alice-laptop")),
          10_000);
      bob.await("sees nobody", s -> s.peers().isEmpty(), 10_000);

      String webIp = web.ipv4();
      for (int port : List.of(22, 80, 443)) {
        lab.start(
            List.of("ip", "netns", "exec", web.ns, "iperf3", "-s", "-p", "" + port, "-B", webIp),
            lab.dir.resolve("iperf-web-" + port + ".log"));
      }
      String laptopIp = laptop.ipv4();
      lab.start(
          List.of("ip", "netns", "exec", laptop.ns, "iperf3", "-s", "-p", "5201", "-B", laptopIp),
          lab.dir.resolve("iperf-laptop.log"));

      assertTrue(connects(lab, laptop, webIp, 22, 10), "alice's laptop -> web:22");
      assertTrue(connects(lab, desktop, webIp, 80, 10), "alice's desktop -> web:80");
      assertFalse(connects(lab, laptop, webIp, 443, 1), "web:443 is not allowed");
      assertFalse(connects(lab, bob, webIp, 22, 1), "bob is not in the group");
      assertFalse(connects(lab, web, laptopIp, 5201, 1), "nobody reaches alice's laptop");
      assertFalse(connects(lab, desktop, laptopIp, 5201, 1), "not even alice's own desktop");

      // Bob joins the group: his access opens within a second, without restarting anything.
      long changed = System.nanoTime();
      assertEquals(
          200,
          PolicyEndToEndTest.post(
                  server, "/api/v1/policy", policy("alice@example.com", "bob@example.com"))
              .status());
      bob.await("bob sees web", s -> names(s).equals(List.of("web")), 5_000);
      long openMs = (System.nanoTime() - changed) / 1_000_000;
      System.out.println("FIGURE policy-open-ms " + openMs);
      assertTrue(openMs <= PolicyEndToEndTest.PROPAGATION_BOUND_MS, openMs + " ms to open");
      assertTrue(connects(lab, bob, webIp, 22, 10), "bob -> web:22 once in the group");

      // And leaves it again: closed within a second.
      changed = System.nanoTime();
      assertEquals(
          200,
          PolicyEndToEndTest.post(server, "/api/v1/policy", policy("alice@example.com")).status());
      bob.await("bob sees nobody again", s -> s.peers().isEmpty(), 5_000);
      web.await(
          "web no longer sees bob",
          s -> names(s).equals(List.of("alice-desktop", "alice-laptop")),
          5_000);
      long closeMs = (System.nanoTime() - changed) / 1_000_000;
      System.out.println("FIGURE policy-close-ms " + closeMs);
      assertTrue(closeMs <= PolicyEndToEndTest.PROPAGATION_BOUND_MS, closeMs + " ms to close");
      assertFalse(connects(lab, bob, webIp, 22, 1), "bob's access is closed");
    }
  }

  static List<String> names(dev.trellis.agent.localapi.AgentStatus s) {
    return PolicyEndToEndTest.peerNames(s);
  }

  /** Whether a TCP connection (a one-second iperf3 run) from {@code from} gets through. */
  static boolean connects(Lab lab, AgentUnderTest from, String ip, int port, int attempts)
      throws Exception {
    for (int i = 0; i < attempts; i++) {
      Command.Result r =
          lab.run(
              from.ns,
              List.of("iperf3", "-c", ip, "-p", "" + port, "-t", "1", "--connect-timeout", "2000"),
              30);
      if (r.code() == 0) {
        return true;
      }
      if (attempts > 1) {
        Thread.sleep(300);
      }
    }
    return false;
  }
}
