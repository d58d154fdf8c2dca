package dev.trellis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.netlab.Command;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two coordinator instances and two tailnets: the all-in-one server and a second process running
 * only the coordinator (joined to the first one's Kafka and Hazelcast), with devices of two
 * tailnets split across them. Devices on different instances see each other within a second and
 * talk; no device ever sees the other tailnet; a refused registration makes {@code trellis up} exit
 * non-zero with the reason; a device under device approval waits until {@code trellis-admin nodes
 * approve}.
 */
@RootTest
@IntegrationTest
class ScaleOutEndToEndTest {
  @BeforeAll
  static void root() {
    Lab.requireRoot();
  }

  @Test
  void devicesSplitAcrossTwoCoordinatorsInTwoTailnets() throws Exception {
    try (Lab lab = new Lab()) {
      String cluster = "e2e-" + lab.tag;
      ServerUnderTest a = ServerUnderTest.start(lab, "server-a", cluster, List.of());
      ServerUnderTest b =
          ServerUnderTest.start(
              lab,
              "coordinator-b",
              cluster,
              List.of(
                  "--service",
                  "coordinator",
                  "--kafka-bootstrap",
                  a.kafka(),
                  "--hazelcast-members",
                  "127.0.0.1:" + a.hazelcastPort));
      b.useToken(a.token());
      a.call("POST", "/api/v1/tailnets", Map.of("name", "blue"), 201);
      String red = a.authKey("default", Map.of("reusable", true));
      String blue = a.authKey("blue", Map.of("reusable", true));

      AgentUnderTest r1 = AgentUnderTest.start(lab, lab.device(), "red-one");
      AgentUnderTest r2 = AgentUnderTest.start(lab, lab.device(), "red-two");
      AgentUnderTest b1 = AgentUnderTest.start(lab, lab.device(), "blue-one");
      AgentUnderTest b2 = AgentUnderTest.start(lab, lab.device(), "blue-two");
      r1.up(a.loginServer, red).requireOk("red-one up via A");
      b1.up(b.loginServer, blue).requireOk("blue-one up via B");

      long joined = System.nanoTime();
      r2.up(b.loginServer, red).requireOk("red-two up via B");
      r1.await("red-two seen on A", s -> names(s).contains("red-two"), 5_000);
      long seenMs = (System.nanoTime() - joined) / 1_000_000;
      System.out.println("FIGURE join-via-B-seen-on-A-ms (incl. trellis up) " + seenMs);
      b2.up(a.loginServer, blue).requireOk("blue-two up via A");
      b1.await("blue-two seen on B", s -> names(s).contains("blue-two"), 5_000);

      assertTrue(JoinEndToEndTest.waitPing(r1, r2.ipv4()), "red-one (A) -> red-two (B)");
      assertTrue(JoinEndToEndTest.waitPing(r2, r1.ipv4()), "red-two (B) -> red-one (A)");
      assertTrue(JoinEndToEndTest.waitPing(b1, b2.ipv4()), "blue-one (B) -> blue-two (A)");
      for (AgentUnderTest x : List.of(r1, r2)) {
        assertEquals(Set.of(x == r1 ? "red-two" : "red-one"), names(x.status()), x.name);
      }
      for (AgentUnderTest x : List.of(b1, b2)) {
        assertEquals(Set.of(x == b1 ? "blue-two" : "blue-one"), names(x.status()), x.name);
      }

      // A change made through one instance reaches devices on both within a second.
      String r2Id = r2.status().self().id();
      long deleted = System.nanoTime();
      a.call("DELETE", "/api/v1/nodes/" + r2Id, null, 200);
      r1.await("red-two removed", s -> s.peers().isEmpty(), 5_000);
      long removedMs = (System.nanoTime() - deleted) / 1_000_000;
      System.out.println("FIGURE delete-on-A-seen-by-device-on-A-ms " + removedMs);
      r2.await("logged out via B", s -> "NeedsLogin".equals(s.state()), 5_000);
      assertTrue(removedMs <= JoinEndToEndTest.PROPAGATION_BOUND_MS, removedMs + " ms");

      // A one-off key used twice: the second `trellis up` exits non-zero with the reason.
      String once = a.authKey("default", Map.of());
      AgentUnderTest r3 = AgentUnderTest.start(lab, lab.device(), "red-three");
      AgentUnderTest r4 = AgentUnderTest.start(lab, lab.device(), "red-four");
      r3.up(b.loginServer, once).requireOk("red-three with the one-off key");
      Command.Result refused = r4.up(b.loginServer, once);
      assertEquals(1, refused.code(), refused.out());
      assertTrue(refused.out().contains("AUTH_KEY"), refused.out());

      // Device approval: a new device waits until an admin approves it with trellis-admin.
      a.call("POST", "/api/v1/tailnets/blue/settings", Map.of("deviceApproval", true), 200);
      AgentUnderTest b3 = AgentUnderTest.start(lab, lab.device(), "blue-three");
      b3.up(b.loginServer, blue).requireOk("blue-three up (waits for approval)");
      b3.await("needs approval", s -> "NeedsApproval".equals(s.state()), 5_000);
      assertTrue(!names(b1.status()).contains("blue-three"), "unapproved devices stay hidden");
      Command.Result approve =
          Lab.exec(
              List.of(
                  "env",
                  "TRELLIS_SERVER=" + a.local(),
                  "TRELLIS_TOKEN=" + a.token(),
                  Lab.bin("trellis-admin"),
                  "nodes",
                  "approve",
                  b3.status().self().id()),
              120);
      approve.requireOk("trellis-admin nodes approve");
      b3.await("approved and running", s -> "Running".equals(s.state()), 5_000);
      b1.await("blue-three visible", s -> names(s).contains("blue-three"), 5_000);
      assertTrue(JoinEndToEndTest.waitPing(b3, b1.ipv4()), "approved device talks");
      for (AgentUnderTest x : List.of(r1, r3)) {
        assertTrue(names(x.status()).stream().noneMatch(n -> n.startsWith("blue")), x.name);
      }
    }
  }

  static Set<String> names(AgentStatus s) {
    return s.peers().stream()
        .map(p -> p.name().contains(".") ? p.name().substring(0, p.name().indexOf('.')) : p.name())
        .collect(Collectors.toSet());
  }
}
