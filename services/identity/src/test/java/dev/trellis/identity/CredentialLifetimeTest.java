package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Credentials never outlive what they stand for: an API token acts with its owner's current role
 * (never above the role it was created with) and dies with its owner; a web session ends on a
 * password change, a role change, the user's removal and sign-out, on every instance at once.
 */
@ClusterTest
class CredentialLifetimeTest {
  private static final String PASSWORD = LoginTest.PASSWORD;

  /** A user with {@code role} and a password in {@code tailnet}; returns the user id. */
  private static String user(IdentityCluster c, String admin, String email, String role) {
    var u = c.api(0, admin).post("/api/v1/users", Map.of("email", email, "role", role));
    assertEquals(201, u.status(), u.body());
    String id = u.text("id");
    var pw =
        c.api(1, admin).post("/api/v1/users/" + id + "/password", Map.of("password", PASSWORD));
    assertEquals(204, pw.status(), pw.body());
    return id;
  }

  private static String session(IdentityCluster c, int node, String tailnet, String email) {
    var r = LoginTest.login(c, node, tailnet, email, PASSWORD);
    assertEquals(200, r.status(), r.body());
    return r.text("token");
  }

  private static void role(IdentityCluster c, String admin, String userId, String role) {
    var r = c.api(0, admin).post("/api/v1/users/" + userId + "/role", Map.of("role", role));
    assertEquals(200, r.status(), r.body());
  }

  private static void refused(Api.Reply r, String code) {
    assertEquals(401, r.status(), r.body());
    assertEquals(code, r.code(), r.body());
  }

  @Test
  void aTokenActsWithItsOwnersCurrentRoleAndDiesWithItsOwner(IdentityCluster c) {
    String tailnet = Tailnets.create(c, "owner-role");
    String admin = Tailnets.token(c, tailnet, "owner");
    String alice = user(c, admin, "alice@example.com", "admin");
    String aliceSession = session(c, 0, tailnet, "alice@example.com");
    var minted = c.api(1, aliceSession).post("/api/v1/tokens", Map.of("role", "admin"));
    assertEquals(201, minted.status(), minted.body());
    String token = minted.text("token");
    var invite = c.api(0, token).post("/api/v1/users", Map.of("email", "one@example.com"));
    assertEquals(201, invite.status(), invite.body());

    // Demoted: the token acts as a member now, on both instances.
    role(c, admin, alice, "member");
    for (int node = 0; node < 2; node++) {
      var asMember = c.api(node, token).post("/api/v1/users", Map.of("email", "two@example.com"));
      assertEquals(403, asMember.status(), asMember.body());
      var mint = c.api(node, token).post("/api/v1/tokens", Map.of("role", "admin"));
      assertEquals(403, mint.status(), mint.body());
      assertEquals(200, c.api(node, token).get("/api/v1/users").status());
    }

    // Promoted above the token's role: the token stays capped at admin.
    role(c, admin, alice, "owner");
    assertEquals(
        201, c.api(1, token).post("/api/v1/users", Map.of("email", "three@example.com")).status());
    var ownerOnly = c.api(0, token).post("/api/v1/tokens", Map.of("role", "owner"));
    assertEquals(403, ownerOnly.status(), ownerOnly.body());

    // Removed: the token dies with its owner (another owner keeps the tailnet).
    user(c, admin, "carol@example.com", "owner");
    var removed = c.api(0, admin).post("/api/v1/users/" + alice + "/remove", "");
    assertEquals(200, removed.status(), removed.body());
    for (int node = 0; node < 2; node++) {
      refused(c.api(node, token).get("/api/v1/users"), "TOKEN_REVOKED");
    }
  }

  @Test
  void sessionsEndOnSignOutPasswordChangeRoleChangeAndRemoval(IdentityCluster c) {
    String tailnet = Tailnets.create(c, "sessions");
    String admin = Tailnets.token(c, tailnet, "owner");
    String bob = user(c, admin, "bob@example.com", "admin");
    String first = session(c, 0, tailnet, "bob@example.com");
    String second = session(c, 1, tailnet, "bob@example.com");
    assertEquals(200, c.api(1, first).get("/api/v1/users").status());
    assertEquals(200, c.api(0, second).get("/api/v1/users").status());

    // Sign-out ends that session only, everywhere.
    var out = c.api(1, first).post("/api/v1/logout", "");
    assertEquals(204, out.status(), out.body());
    for (int node = 0; node < 2; node++) {
      refused(c.api(node, first).get("/api/v1/users"), "TOKEN_REVOKED");
    }
    assertEquals(200, c.api(0, second).get("/api/v1/users").status());
    refused(c.api(0, first).post("/api/v1/logout", ""), "TOKEN_REVOKED");

    // A password change ends every session issued before it.
    var pw =
        c.api(1, admin).post("/api/v1/users/" + bob + "/password", Map.of("password", PASSWORD));
    assertEquals(204, pw.status(), pw.body());
    refused(c.api(1, second).get("/api/v1/users"), "TOKEN_REVOKED");
    String third = session(c, 0, tailnet, "bob@example.com");
    assertEquals(200, c.api(1, third).get("/api/v1/users").status());

    // So does a role change.
    role(c, admin, bob, "auditor");
    refused(c.api(0, third).get("/api/v1/users"), "TOKEN_REVOKED");
    String fourth = session(c, 1, tailnet, "bob@example.com");
    assertEquals(200, c.api(0, fourth).get("/api/v1/users").status());

    // A revoked session completes no device login either.
    var approval = c.api(0, third).post("/api/v1/device-logins/" + "c".repeat(43), "");
    refused(approval, "TOKEN_REVOKED");

    // And removal.
    assertEquals(200, c.api(0, admin).post("/api/v1/users/" + bob + "/remove", "").status());
    assertEquals(401, c.api(1, fourth).get("/api/v1/users").status());

    // Sign-out ends sessions; an API token is revoked through its own endpoint.
    var tokenOut = c.api(0, admin).post("/api/v1/logout", "");
    assertEquals(400, tokenOut.status(), tokenOut.body());

    // The audit shows the sign-out.
    String audit = c.api(0, admin).get("/api/v1/audit?tailnet=" + tailnet).body();
    assertTrue(audit.contains("trellis.event.v1.SessionSignedOut"), audit);
  }
}
