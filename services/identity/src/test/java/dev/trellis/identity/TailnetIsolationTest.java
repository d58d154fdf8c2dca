package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tailnet A's owner token gets nothing of tailnet B through any identity endpoint. */
@ClusterTest
class TailnetIsolationTest {

  @Test
  void tailnetAsAdminSeesAndTouchesNothingOfTailnetB(IdentityCluster c) {
    String a = Tailnets.create(c, "iso-a");
    String b = Tailnets.create(c, "iso-b");
    String ownerA = Tailnets.token(c, a, "owner");
    String adminB = Tailnets.token(c, b, "admin");
    var userB = c.api(0, adminB).post("/api/v1/users", Map.of("email", "secret-user@b.example"));
    String userId = userB.text("id");
    var tokenB = c.api(0, adminB).post("/api/v1/tokens", Map.of("role", "member"));
    String tokenId = tokenB.json().path("tokenInfo").path("id").asText();
    var keyB = c.api(0, adminB).post("/api/v1/authkeys", Map.of("reusable", true));
    String keyId = keyB.json().path("keyInfo").path("id").asText();
    String bId =
        c.api(0, adminB).get("/api/v1/tailnets").json().path("tailnets").get(0).path("id").asText();

    for (int node = 0; node < 2; node++) {
      Api api = c.api(node, ownerA);
      List<Api.Reply> notFound =
          List.of(
              api.get("/api/v1/users?tailnet=" + b),
              api.get("/api/v1/users?tailnet=" + bId),
              api.post("/api/v1/users", Map.of("tailnet", b, "email", "x@a.example")),
              api.post("/api/v1/users/" + userId + "/role", Map.of("role", "member")),
              api.post("/api/v1/users/" + userId + "/remove", ""),
              api.post("/api/v1/users/" + userId + "/password", Map.of("password", "x".repeat(20))),
              api.get("/api/v1/tokens?tailnet=" + b),
              api.post("/api/v1/tokens", Map.of("tailnet", b)),
              api.post("/api/v1/tokens/" + tokenId + "/revoke", ""),
              api.get("/api/v1/authkeys?tailnet=" + b),
              api.post("/api/v1/authkeys", Map.of("tailnet", b)),
              api.post("/api/v1/authkeys/" + keyId + "/revoke", ""),
              api.get("/api/v1/tailnets/" + b + "/settings"),
              api.post("/api/v1/tailnets/" + bId + "/settings", Map.of("deviceApproval", true)),
              api.get("/api/v1/audit?tailnet=" + b));
      for (Api.Reply r : notFound) {
        assertEquals(404, r.status(), r.raw().uri() + " " + r.body());
        assertFalse(r.body().contains("secret-user"), r.body());
        assertFalse(r.body().contains(bId), r.body());
      }
      var tailnets = api.get("/api/v1/tailnets");
      assertFalse(tailnets.body().contains(bId));
      assertTrue(tailnets.body().contains(a));
      assertEquals(
          403, api.post("/api/v1/internal/authkeys/use", Map.of("key", keyB.text("key"))).status());
      assertEquals(403, api.post("/api/v1/signing-keys/rotate", "").status());
      assertEquals(403, api.post("/api/v1/tailnets", Map.of("name", "x-" + node)).status());
    }
    // Nothing of B changed.
    var bUsers = c.api(1, adminB).get("/api/v1/users").body();
    assertTrue(bUsers.contains("secret-user@b.example"), bUsers);
    assertFalse(c.api(1, adminB).get("/api/v1/tokens").body().contains("\"revoked\":true"));
    assertFalse(c.api(1, adminB).get("/api/v1/authkeys").body().contains("\"revoked\":true"));
  }
}
