package dev.trellis.e2e.nat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.agent.localapi.NodeView;
import dev.trellis.e2e.AgentUnderTest;
import dev.trellis.e2e.Lab;
import dev.trellis.e2e.ServerUnderTest;
import dev.trellis.netlab.Command;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two devices on one LAN (the lab's bridge) with the real all-in-one server: the path between them
 * goes {@code direct} to the peer's LAN address after the first traffic, with the relay reachable
 * and with the relay blocked (direct LAN connectivity never depends on a relay), and TCP flows.
 */
@RootTest
@IntegrationTest
class LanPathTest {
  @BeforeAll
  static void root() {
    Lab.requireRoot();
  }

  @Test
  void lanPeersGoDirect() throws Exception {
    try (Lab lab = new Lab()) {
      run(lab, false);
    }
  }

  @Test
  void lanPeersGoDirectWithNoRelayReachable() throws Exception {
    try (Lab lab = new Lab()) {
      run(lab, true);
    }
  }

  private static void run(Lab lab, boolean blockRelay) throws Exception {
    ServerUnderTest server = ServerUnderTest.start(lab, "server", "lan-" + lab.tag, List.of());
    String key = server.authKey("default", Map.of("reusable", true, "preapproved", true));
    String nsA = lab.device();
    String nsB = lab.device();
    if (blockRelay) {
      int relayPort = server.relayPort();
      for (String ns : List.of(nsA, nsB)) {
        Command.check("ip", "netns", "exec", ns, "nft", "add table inet norelay");
        Command.check(
            "ip",
            "netns",
            "exec",
            ns,
            "nft",
            "add chain inet norelay out { type filter hook output priority 0; }");
        Command.check(
            "ip",
            "netns",
            "exec",
            ns,
            "nft",
            "add rule inet norelay out tcp dport " + relayPort + " reject with tcp reset");
      }
    }
    AgentUnderTest a = AgentUnderTest.start(lab, nsA, "alpha");
    AgentUnderTest b = AgentUnderTest.start(lab, nsB, "bravo");
    a.up(server.loginServer(), key).requireOk("alpha up");
    b.up(server.loginServer(), key).requireOk("bravo up");
    a.await("one peer", s -> s.peers().size() == 1, 10_000);
    b.await("one peer", s -> s.peers().size() == 1, 10_000);
    String bIp = b.ipv4();
    long first = System.nanoTime();
    boolean pinged = false;
    while (!pinged && System.nanoTime() - first < 20_000_000_000L) {
      pinged = a.ping(bIp);
    }
    assertTrue(pinged, "no ping over the tunnel in 20 s");
    long directMs = a.await("direct to bravo", s -> direct(s, "10."), 10_000);
    System.out.println(
        "FIGURE lan-time-to-direct-ms "
            + ((System.nanoTime() - first) / 1_000_000)
            + (blockRelay ? " (relay blocked)" : "")
            + " (status poll "
            + directMs
            + ")");
    b.await("direct to alpha", s -> direct(s, "10."), 10_000);
    Tcp.assertFlows(lab, a, nsA, b, nsB);
    assertTrue(direct(a.status(), "10."), "still direct after TCP: " + a.status());
  }

  /** Whether the one peer's connection is {@code direct ip:port} to an address starting so. */
  static boolean direct(AgentStatus s, String addressPrefix) {
    if (s.peers().size() != 1) {
      return false;
    }
    NodeView p = s.peers().get(0);
    return "direct".equals(p.connection()) && p.endpoint().startsWith(addressPrefix);
  }
}
