package dev.trellis.e2e.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.e2e.AgentUnderTest;
import dev.trellis.e2e.Lab;
import dev.trellis.e2e.ServerUnderTest;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two relay instances in one region (the all-in-one server's and a relay-only process joined to it
 * by Kafka and Hazelcast), two devices behind symmetric NATs (so they must relay), each kept off
 * one instance by its router (a TCP reset, as from a firewall), so they home on different
 * instances: their traffic crosses the relay mesh. Then the firewall is lifted and the instance one
 * device uses is killed with SIGKILL: the device reconnects to the region's other instance and
 * pings through the tunnel resume within seconds ({@code FIGURE relay-failover-ms}).
 */
@RootTest
@IntegrationTest
class RelayMeshTest {
  @BeforeAll
  static void root() {
    Lab.requireRoot();
  }

  @Test
  void devicesOnDifferentInstancesTalkThroughTheMeshAndSurviveAnInstanceDying() throws Exception {
    try (NatLab nat = NatLab.start("mesh")) {
      ServerUnderTest second = nat.relayInstance("relay-b");
      String first = NatLab.relayId(nat.server);
      String other = NatLab.relayId(second);
      int firstPort = nat.server.relayPort();
      int otherPort = second.relayPort();
      NatLab.Pair p =
          nat.pair(
              NatKind.HARD,
              NatKind.HARD,
              (ra, rb) -> {
                ra.blockTcp(nat.lab, firstPort); // alpha may use only the relay-only instance
                rb.blockTcp(nat.lab, otherPort); // bravo only the server's
              });
      AgentUnderTest a = p.a();
      AgentUnderTest b = p.b();
      waitFor("alpha on " + other, () -> other.equals(NatLab.relayOf(a)), a);
      waitFor("bravo on " + first, () -> first.equals(NatLab.relayOf(b)), b);

      PathAssert.pingUntilAnswered(a, b, 30);
      Tcp.assertFlows(nat.lab, a, p.routerA().deviceNs, b, p.routerB().deviceNs);
      a.await("relayed", PathAssert::relayed, 5_000);
      b.await("relayed", PathAssert::relayed, 5_000);
      double meshIn = NatLab.counter(nat.server, "trellis_relay_packets_total", "path=\"mesh_in\"");
      double meshOut =
          NatLab.counter(nat.server, "trellis_relay_packets_total", "path=\"mesh_out\"");
      System.out.println("FIGURE mesh-packets-at-server-instance in " + meshIn + " out " + meshOut);
      assertTrue(meshIn > 100 && meshOut > 100, "the TCP flow crossed the mesh both ways");
      assertEquals(other, NatLab.relayOf(a), "alpha stayed on the relay-only instance");
      assertEquals(first, NatLab.relayOf(b), "bravo stayed on the server's instance");

      p.routerA().unblockTcp();
      String bIp = b.ipv4();
      second.kill(); // alpha's instance, with no goodbye
      long killed = System.nanoTime();
      boolean answered = false;
      while (!answered && System.nanoTime() - killed < 30_000_000_000L) {
        answered = a.ping(bIp);
      }
      long ms = (System.nanoTime() - killed) / 1_000_000;
      assertTrue(
          answered, "no ping through the tunnel in 30 s after the instance died\n" + a.log());
      System.out.println("FIGURE relay-failover-ms " + ms);
      assertEquals(first, NatLab.relayOf(a), "alpha moved to the region's other instance");
      assertNotEquals(other, NatLab.relayOf(a));
      assertTrue(ms < 10_000, "traffic resumed after " + ms + " ms");
      // both on one instance now: the TLS relay at first, then (soon) that instance's UDP relay
      a.await(
          "relayed",
          s -> PathAssert.relayed(s) || PathAssert.udpRelayedVia(s, nat.lab.hostIp),
          5_000);
    }
  }

  private static void waitFor(String what, BooleanSupplier c, AgentUnderTest a)
      throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "\n" + a.log());
      }
      Thread.sleep(50);
    }
  }
}
