package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Refused API calls are audit events: revoked and forged tokens, missing credentials, roles that do
 * not allow an action, cross-tenant lookups; counted and rate-limited, with the actor or the source
 * address and the reason. Members do not read the audit; refusals that name no tailnet are for
 * deployment administrators.
 */
@ClusterTest
class RefusalAuditTest {

  private static List<JsonNode> refusals(Api api, String tailnet) {
    var r = api.get("/api/v1/audit?tailnet=" + tailnet + "&type=AccessRefused");
    assertEquals(200, r.status(), r.body());
    List<JsonNode> out = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (!line.isBlank()) {
        try {
          out.add(Api.JSON.readTree(line));
        } catch (java.io.IOException e) {
          throw new AssertionError(line, e);
        }
      }
    }
    return out;
  }

  /** Waits until an AccessRefused event matching {@code test} is readable (appends are async). */
  private static JsonNode awaitRefusal(Api api, String tailnet, Predicate<JsonNode> test)
      throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    List<JsonNode> seen = List.of();
    while (System.nanoTime() < deadline) {
      seen = refusals(api, tailnet);
      for (JsonNode e : seen) {
        if (test.test(e)) {
          return e;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no such refusal in " + seen);
  }

  private static String reason(JsonNode e) {
    return e.path("payload").path("reason_code").asText();
  }

  @Test
  void refusedCallsOfATailnetAreAuditedWithActorReasonAndCount(IdentityCluster c) throws Exception {
    String tailnet = Tailnets.create(c, "refusals");
    String other = Tailnets.create(c, "refusals-other");
    String auditor = Tailnets.token(c, tailnet, "auditor");
    String member = Tailnets.token(c, tailnet, "member");
    var made = c.admin(0).post("/api/v1/tokens", Map.of("tailnet", tailnet, "role", "admin"));
    String revoked = made.text("token");
    String revokedId = made.json().path("tokenInfo").path("id").asText();
    assertEquals(200, c.admin(1).post("/api/v1/tokens/" + revokedId + "/revoke", "").status());

    for (int i = 0; i < 25; i++) {
      assertEquals(401, c.api(i % 2, revoked).get("/api/v1/users").status());
    }
    assertEquals(403, c.api(0, member).post("/api/v1/users", Map.of("email", "x@y.z")).status());
    assertEquals(404, c.api(1, auditor).get("/api/v1/users?tailnet=" + other).status());

    Api reader = c.api(0, auditor);
    JsonNode tokenRefusal =
        awaitRefusal(
            reader,
            tailnet,
            e -> reason(e).equals("TOKEN_REVOKED") && e.toString().contains(revokedId));
    assertEquals("/api/v1/users", tokenRefusal.path("payload").path("path").asText());
    assertTrue(tokenRefusal.path("payload").path("source_ip").asText().startsWith("127."));
    JsonNode forbidden =
        awaitRefusal(
            reader,
            tailnet,
            e ->
                reason(e).equals("FORBIDDEN")
                    && e.path("actor").path("kind").asText().equals("API_TOKEN"));
    assertEquals("POST", forbidden.path("payload").path("method").asText());
    JsonNode crossTenant =
        awaitRefusal(reader, tailnet, e -> reason(e).equals("TAILNET_NOT_FOUND"));
    assertEquals("identity", crossTenant.path("payload").path("service").asText());

    // Rate-limited: 25 refusals of one token for one reason are not 25 events (two instances
    // each write the first of a window at once and hold back the rest).
    long events =
        refusals(reader, tailnet).stream().filter(e -> reason(e).equals("TOKEN_REVOKED")).count();
    assertTrue(events >= 1 && events <= 2, events + " events");

    // The other tailnet's audit shows none of this.
    String otherAdmin = Tailnets.token(c, other, "admin");
    assertFalse(
        c.api(0, otherAdmin).get("/api/v1/audit?tailnet=" + other).body().contains(revokedId));
  }

  @Test
  void refusalsNamingNoTailnetAreForDeploymentAdministratorsOnly(IdentityCluster c)
      throws Exception {
    String forged = "trellis-api-0123456789abcdef-" + "A".repeat(43);
    var r = c.nodes.get(1).anonymous().as(forged).get("/api/v1/tailnets");
    assertEquals(401, r.status());
    assertEquals(401, c.nodes.get(0).anonymous().get("/api/v1/tokens").status());
    JsonNode unattributed =
        awaitRefusal(
            c.admin(0),
            "-",
            e ->
                reason(e).equals("TOKEN_INVALID")
                    && e.path("actor").path("kind").asText().equals("ANONYMOUS"));
    assertTrue(unattributed.path("actor").path("id").asText().startsWith("source:127."));
    awaitRefusal(c.admin(1), "-", e -> reason(e).equals("UNAUTHENTICATED"));

    String tailnet = Tailnets.create(c, "unattributed");
    String admin = Tailnets.token(c, tailnet, "admin");
    assertEquals(404, c.api(0, admin).get("/api/v1/audit?tailnet=-").status());
  }

  @Test
  void membersDoNotReadTheAudit(IdentityCluster c) {
    String tailnet = Tailnets.create(c, "audit-roles");
    String member = Tailnets.token(c, tailnet, "member");
    var refused = c.api(0, member).get("/api/v1/audit?tailnet=" + tailnet);
    assertEquals(403, refused.status(), refused.body());
    assertEquals("FORBIDDEN", refused.code());
    for (String role : new String[] {"auditor", "network-admin", "admin", "owner"}) {
      String token = Tailnets.token(c, tailnet, role);
      assertEquals(200, c.api(1, token).get("/api/v1/audit?tailnet=" + tailnet).status(), role);
    }
  }
}
