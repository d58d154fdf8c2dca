package dev.trellis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ACL policy end to end: the all-in-one server and three agents in their own namespaces. An
 * admin sets (through the admin API) a policy where alpha may reach bravo on TCP 5201 only and
 * nobody may reach charlie: alpha and bravo see only each other, charlie sees nobody, iperf3 from
 * alpha to bravo on 5201 works (bravo's replies are return traffic on alpha), a ping from alpha to
 * bravo is dropped by bravo's filter (its filterDrops grows), and the change reaches the devices
 * within a second of the POST. A policy whose own test fails is refused with the assertion and the
 * old one stays in force.
 */
@RootTest
@IntegrationTest
class PolicyEndToEndTest {
  static final long PROPAGATION_BOUND_MS = 1000;
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void root() {
    Lab.requireRoot();
  }

  record Reply(int status, JsonNode json) {}

  static Reply post(ServerUnderTest server, String path, String text) throws Exception {
    var r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.local() + path))
                .header("Authorization", "Bearer " + server.token())
                .header("Content-Type", "application/hujson")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(text))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), JSON.readTree(r.body()));
  }

  static List<String> peerNames(AgentStatus s) {
    return s.peers().stream().map(p -> p.name().split("\\.")[0]).sorted().toList();
  }

  @Test
  void alphaReachesBravoOn5201OnlyAndNobodyReachesCharlie() throws Exception {
    try (Lab lab = new Lab()) {
      ServerUnderTest server = ServerUnderTest.start(lab, "server", "e2e-" + lab.tag, List.of());
      String key = server.authKey("default", Map.of("reusable", true, "preapproved", true));
      AgentUnderTest a = AgentUnderTest.start(lab, lab.device(), "alpha");
      AgentUnderTest b = AgentUnderTest.start(lab, lab.device(), "bravo");
      AgentUnderTest c = AgentUnderTest.start(lab, lab.device(), "charlie");
      for (AgentUnderTest x : List.of(a, b, c)) {
        x.up(server.loginServer(), key).requireOk(x.name + " up");
      }
      for (AgentUnderTest x : List.of(a, b, c)) {
        x.await("two peers (default policy)", s -> s.peers().size() == 2, 20_000);
      }
      String aIp = a.ipv4();
      String bIp = b.ipv4();
      String cIp = c.ipv4();
      assertTrue(JoinEndToEndTest.waitPing(a, bIp), "the default policy lets alpha ping bravo");

      String policy =
          """
          {
            "hosts": {"alpha": "%s/32", "bravo": "%s/32", "charlie": "%s/32"},
            // alpha may reach bravo on TCP 5201, and nothing else is allowed
            "acls": [{"action": "accept", "src": ["alpha"], "proto": "tcp", "dst": ["bravo:5201"]}],
            "tests": [{"src": "alpha", "accept": ["bravo:5201"], "deny": ["bravo:22", "charlie:5201"]}],
          }
          """
              .formatted(aIp, bIp, cIp);
      long posted = System.nanoTime();
      Reply set = post(server, "/api/v1/policy", policy);
      assertEquals(200, set.status(), set.json().toString());
      long version = set.json().path("version").asLong();
      c.await("charlie sees nobody", s -> s.peers().isEmpty(), 5_000);
      a.await("alpha sees only bravo", s -> peerNames(s).equals(List.of("bravo")), 5_000);
      b.await("bravo sees only alpha", s -> peerNames(s).equals(List.of("alpha")), 5_000);
      long propagatedMs = (System.nanoTime() - posted) / 1_000_000;
      System.out.println("FIGURE policy-post-to-devices-ms " + propagatedMs);
      assertTrue(
          propagatedMs <= PROPAGATION_BOUND_MS,
          "the policy took " + propagatedMs + " ms to reach every device");

      JoinEndToEndTest.assertTcp(lab, a, b); // iperf3 on 5201: allowed, replies are return traffic

      long dropsBefore = b.status().filterDrops();
      assertFalse(a.ping(bIp), "ICMP from alpha to bravo is not allowed");
      long dropsAfter = b.status().filterDrops();
      assertTrue(
          dropsAfter > dropsBefore, "bravo counts the drop: " + dropsBefore + " -> " + dropsAfter);
      assertNull(a.peer(c), "charlie is hidden from alpha");
      assertFalse(b.ping(aIp), "nobody may reach alpha either");

      String failing =
          policy.replace(
              "\"deny\": [\"bravo:22\", \"charlie:5201\"]", "\"deny\": [\"bravo:5201\"]");
      Reply refused = post(server, "/api/v1/policy", failing);
      assertEquals(422, refused.status(), refused.json().toString());
      assertEquals("POLICY_TESTS_FAILED", refused.json().path("error").path("code").asText());
      JsonNode problem = refused.json().path("problems").get(0);
      assertNotNull(problem);
      assertTrue(problem.path("message").asText().contains("bravo:5201"), problem.toString());
      assertEquals(
          version, server.call("GET", "/api/v1/policy", null, 200).path("version").asLong());
      Thread.sleep(300);
      assertEquals(List.of("bravo"), peerNames(a.status()), "the running policy stays");
      assertTrue(c.status().peers().isEmpty());
    }
  }
}
