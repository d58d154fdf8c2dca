package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.testkit.ClusterTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** API tokens: scoped, never above the creator's role, expiring, revocable, stored hashed. */
@ClusterTest
class TokensTest {

  @Test
  void tokensAreScopedAndNeverAboveTheCreatorsRole(IdentityCluster c) {
    String tailnet = Tailnets.create(c, "tokens");
    String admin = Tailnets.token(c, tailnet, "admin");
    var owner = c.api(1, admin).post("/api/v1/tokens", Map.of("role", "owner"));
    assertEquals(403, owner.status(), owner.body());

    var member = c.api(1, admin).post("/api/v1/tokens", Map.of("role", "member", "expiry", "2h"));
    assertEquals(201, member.status(), member.body());
    String memberToken = member.text("token");
    assertTrue(memberToken.startsWith("trellis-api-"));
    assertEquals("member", member.json().path("tokenInfo").path("role").asText());

    // The member token works on the other instance, for its own tailnet only.
    assertEquals(200, c.api(0, memberToken).get("/api/v1/users").status());
    var invite = c.api(0, memberToken).post("/api/v1/users", Map.of("email", "m@example.com"));
    assertEquals(403, invite.status(), invite.body());

    // Listed without the secret.
    var list = c.api(0, admin).get("/api/v1/tokens");
    assertEquals(200, list.status());
    assertFalse(list.body().contains(memberToken.substring(30)), list.body());
    assertTrue(list.body().contains(member.json().path("tokenInfo").path("id").asText()));
  }

  @Test
  void aTokensDescriptionIsListedAndTheAuditDefaultsToTheTokensTailnet(IdentityCluster c) {
    String tailnet = Tailnets.create(c, "tokens-described");
    String tailnetId = "";
    for (var t : c.admin(0).get("/api/v1/tailnets").json().path("tailnets")) {
      if (t.path("name").asText().equals(tailnet)) {
        tailnetId = t.path("id").asText();
      }
    }
    assertFalse(tailnetId.isEmpty());
    String admin = Tailnets.token(c, tailnet, "admin");
    var made =
        c.api(0, admin)
            .post("/api/v1/tokens", Map.of("role", "auditor", "description", "ci deploy"));
    assertEquals(201, made.status(), made.body());
    String id = made.json().path("tokenInfo").path("id").asText();
    var listed = c.api(1, admin).get("/api/v1/tokens").json().path("tokens");
    boolean described = false;
    for (var t : listed) {
      described |=
          t.path("id").asText().equals(id) && t.path("description").asText().equals("ci deploy");
    }
    assertTrue(described, listed.toString());

    // GET /api/v1/audit without ?tailnet= streams the token's own tailnet, like every list
    var audit = c.api(1, made.text("token")).get("/api/v1/audit");
    assertEquals(200, audit.status(), audit.body());
    String[] lines = audit.body().strip().split("\n");
    assertTrue(lines.length >= 2, audit.body());
    for (String line : lines) {
      assertTrue(line.contains("\"tailnet\":\"" + tailnetId + "\""), line);
    }
    assertTrue(audit.body().contains("ApiTokenCreated"), audit.body());
  }

  @Test
  void revokedAndExpiredTokensAreRefused(IdentityCluster c) {
    String tailnet = Tailnets.create(c, "tokens-revoke");
    String admin = Tailnets.token(c, tailnet, "admin");
    var made = c.api(0, admin).post("/api/v1/tokens", Map.of("role", "auditor"));
    String id = made.json().path("tokenInfo").path("id").asText();
    String token = made.text("token");
    assertEquals(200, c.api(1, token).get("/api/v1/users").status());
    var revoked = c.api(1, admin).post("/api/v1/tokens/" + id + "/revoke", "");
    assertEquals(200, revoked.status(), revoked.body());
    var refused = c.api(0, token).get("/api/v1/users");
    assertEquals(401, refused.status());
    assertEquals("TOKEN_REVOKED", refused.code());

    var shortLived = c.api(0, admin).post("/api/v1/tokens", Map.of("expiry", "10m"));
    String shortToken = shortLived.text("token");
    assertEquals(200, c.api(0, shortToken).get("/api/v1/users").status());
    c.clock.advance(Duration.ofMinutes(11));
    var expired = c.api(1, shortToken).get("/api/v1/users");
    assertEquals(401, expired.status());
    assertEquals("TOKEN_EXPIRED", expired.code());
  }

  @Test
  void badExpiryIsNamed(IdentityCluster c) {
    var r = c.admin(0).post("/api/v1/tokens", Map.of("expiry", "forever"));
    assertEquals(400, r.status());
    assertEquals("expiry", r.json().path("error").path("field").asText());
    var tooLong = c.admin(0).post("/api/v1/tokens", Map.of("expiry", "4000d"));
    assertEquals(422, tooLong.status());
  }
}
