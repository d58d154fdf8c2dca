package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.SignedJWT;
import dev.trellis.identity.signing.SessionTokens;
import dev.trellis.runtime.auth.JwtResult;
import dev.trellis.runtime.auth.JwtVerifier;
import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterTest;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Built-in login and identity's signing keys, across two instances. */
@ClusterTest
class LoginTest {
  static final String PASSWORD = "correct horse battery staple";

  /** A tailnet with one member whose password is set; returns {tailnet, userId, adminToken}. */
  static String[] memberWithPassword(IdentityCluster c, String email) {
    String tailnet = Tailnets.create(c, "login");
    String admin = Tailnets.token(c, tailnet, "admin");
    var u = c.api(0, admin).post("/api/v1/users", Map.of("email", email, "role", "member"));
    assertEquals(201, u.status(), u.body());
    String id = u.text("id");
    var weak =
        c.api(1, admin).post("/api/v1/users/" + id + "/password", Map.of("password", "short"));
    assertEquals(422, weak.status());
    assertEquals("PASSWORD_TOO_WEAK", weak.code());
    var set =
        c.api(1, admin).post("/api/v1/users/" + id + "/password", Map.of("password", PASSWORD));
    assertEquals(204, set.status(), set.body());
    return new String[] {tailnet, id, admin};
  }

  static Api.Reply login(IdentityCluster c, int node, String tailnet, String email, String pw) {
    return c.nodes
        .get(node)
        .anonymous()
        .post("/api/v1/login", Map.of("tailnet", tailnet, "email", email, "password", pw));
  }

  static JwtVerifier verifier(IdentityCluster c, int node) throws Exception {
    return JwtVerifier.builder()
        .jwksUrl(
            URI.create(c.nodes.get(node).anonymous().base() + "/.well-known/jwks.json").toURL(),
            Duration.ofSeconds(60),
            Duration.ofSeconds(5))
        .issuer(SessionTokens.ISSUER)
        .audience(SessionTokens.AUDIENCE)
        .allowedAlgorithms(Set.of(JWSAlgorithm.ES256))
        .clock(c.clock)
        .build();
  }

  @Test
  void aSessionFromOneInstanceVerifiesAgainstTheOthersJwks(IdentityCluster c) throws Exception {
    String[] m = memberWithPassword(c, "pat@example.com");
    var ok = login(c, 1, m[0], "Pat@Example.com", PASSWORD);
    assertEquals(200, ok.status(), ok.body());
    String token = ok.text("token");
    JwtResult result = verifier(c, 0).verify(token);
    var verified = assertInstanceOf(JwtResult.Verified.class, result, result.toString());
    assertEquals(m[1], verified.claims().getSubject());
    assertEquals("member", verified.claims().getStringClaim("role"));

    // Rotation: old tokens keep verifying until they expire, new ones carry the new kid.
    String oldKid = SignedJWT.parse(token).getHeader().getKeyID();
    var rotated = c.admin(0).post("/api/v1/signing-keys/rotate", "");
    assertEquals(200, rotated.status(), rotated.body());
    String newToken = login(c, 0, m[0], "pat@example.com", PASSWORD).text("token");
    assertNotEquals(oldKid, SignedJWT.parse(newToken).getHeader().getKeyID());
    assertInstanceOf(JwtResult.Verified.class, verifier(c, 1).verify(newToken));
    assertInstanceOf(JwtResult.Verified.class, verifier(c, 1).verify(token));

    String jwks = c.nodes.get(1).anonymous().get("/.well-known/jwks.json").body();
    assertFalse(jwks.contains("\"d\""), "no private key in the JWKS");

    String audit = c.api(0, m[2]).get("/api/v1/audit?tailnet=" + m[0]).body();
    assertTrue(audit.contains("trellis.event.v1.LoginSucceeded"), audit);
    assertTrue(
        audit
            .lines()
            .anyMatch(
                l ->
                    l.contains("LoginSucceeded")
                        && l.contains("\"kind\":\"USER\",\"id\":\"" + m[1] + "\"")),
        audit);
    assertTrue(audit.contains("trellis.event.v1.PasswordSet"), audit);
    assertFalse(audit.contains(PASSWORD), "no password in the audit");
    assertFalse(audit.contains("argon2"), "no hash in the audit");

    // A removed user cannot sign in, and its password is gone (re-adding the email needs a new
    // password).
    assertEquals(200, c.api(0, m[2]).post("/api/v1/users/" + m[1] + "/remove", "").status());
    assertEquals(401, login(c, 1, m[0], "pat@example.com", PASSWORD).status());
    c.api(0, m[2]).post("/api/v1/users", Map.of("email", "pat@example.com"));
    assertEquals(401, login(c, 0, m[0], "pat@example.com", PASSWORD).status());
  }

  @Test
  void wrongPasswordsAndUnknownUsersLookAlikeAndAreRateLimitedAcrossInstances(IdentityCluster c) {
    String[] m = memberWithPassword(c, "sam@example.com");
    var wrong = login(c, 0, m[0], "sam@example.com", "not the password");
    var unknown = login(c, 1, m[0], "nobody@example.com", "not the password");
    assertEquals(401, wrong.status());
    assertEquals("LOGIN_FAILED", wrong.code());
    assertEquals(wrong.body(), unknown.body());
    for (int i = 0; i < 4; i++) {
      assertEquals(401, login(c, i % 2, m[0], "sam@example.com", "guess " + i).status());
    }
    var limited = login(c, 1, m[0], "sam@example.com", PASSWORD);
    assertEquals(429, limited.status(), limited.body());
    assertEquals("RATE_LIMITED", limited.code());

    String audit = c.api(0, m[2]).get("/api/v1/audit?tailnet=" + m[0]).body();
    assertTrue(audit.contains("trellis.event.v1.LoginFailed"), audit);
    assertTrue(audit.contains("RATE_LIMITED"), audit);
    assertFalse(audit.contains("not the password"));

    // After the window, the right password works again.
    c.clock.advance(Duration.ofMinutes(16));
    assertEquals(200, login(c, 0, m[0], "sam@example.com", PASSWORD).status());
  }

  @Test
  void malformedLoginBodiesName400Fields(IdentityCluster c) {
    var api = c.nodes.get(0).anonymous();
    var missing = api.post("/api/v1/login", Map.of("tailnet", "default", "email", "a@b.c"));
    assertEquals(400, missing.status());
    assertEquals("password", missing.json().path("error").path("field").asText());
    assertEquals(400, api.post("/api/v1/login", "[1,2").status());
    var huge = api.post("/api/v1/login", "{\"password\":\"" + "x".repeat(2_000_000) + "\"}");
    assertEquals(413, huge.status());
  }

  @Test
  void aSessionActsWithTheUsersRoleOnTheAdminApiAndEndsWhenItChanges(IdentityCluster c) {
    String[] m = memberWithPassword(c, "sam@example.com");
    String session = login(c, 0, m[0], "sam@example.com", PASSWORD).text("token");
    var list = c.api(1, session).get("/api/v1/users");
    assertEquals(200, list.status(), list.body());
    var refused = c.api(1, session).post("/api/v1/authkeys", Map.of("tailnet", m[0]));
    assertEquals(403, refused.status(), "a member administers nothing: " + refused.body());

    var promoted = c.api(0, m[2]).post("/api/v1/users/" + m[1] + "/role", Map.of("role", "admin"));
    assertEquals(200, promoted.status(), promoted.body());
    // A role change ends the user's sessions; the next one acts with the new role.
    var ended = c.api(1, session).post("/api/v1/authkeys", Map.of("tailnet", m[0]));
    assertEquals(401, ended.status(), ended.body());
    assertEquals("TOKEN_REVOKED", ended.code());
    session = login(c, 1, m[0], "sam@example.com", PASSWORD).text("token");
    var key = c.api(1, session).post("/api/v1/authkeys", Map.of("tailnet", m[0]));
    assertEquals(201, key.status(), "the new session acts as admin: " + key.body());
    String audit = c.api(0, m[2]).get("/api/v1/audit?tailnet=" + m[0]).body();
    String created = "";
    for (String line : audit.split("\n")) {
      if (line.contains("AuthKeyCreated")) {
        created = line;
      }
    }
    assertTrue(created.contains("\"kind\":\"USER\"") && created.contains(m[1]), audit);

    String forged = session.substring(0, session.lastIndexOf('.') + 1) + "AAAA";
    assertEquals(401, c.api(1, forged).get("/api/v1/users").status());

    var removed = c.api(0, m[2]).post("/api/v1/users/" + m[1] + "/remove", "");
    assertEquals(200, removed.status(), removed.body());
    var gone = c.api(1, session).get("/api/v1/users");
    assertEquals(401, gone.status(), "a removed user's session stops at once: " + gone.body());
  }

  @Test
  void aUserSetsTheirOwnPasswordButOnlyAnAdminSetsAnothers(IdentityCluster c) {
    String[] m = memberWithPassword(c, "kim@example.com");
    var other = c.api(0, m[2]).post("/api/v1/users", Map.of("email", "lee@example.com"));
    assertEquals(201, other.status(), other.body());
    String session = login(c, 0, m[0], "kim@example.com", PASSWORD).text("token");

    String next = "a new and longer passphrase";
    var own = c.api(1, session).post("/api/v1/users/me/password", Map.of("password", next));
    assertEquals(204, own.status(), own.body());
    var renewed = login(c, 1, m[0], "kim@example.com", next);
    assertEquals(200, renewed.status());
    assertEquals(401, login(c, 0, m[0], "kim@example.com", PASSWORD).status());
    // the change ended every session issued before it, the one that made it included
    var ended =
        c.api(0, session).post("/api/v1/users/" + m[1] + "/password", Map.of("password", PASSWORD));
    assertEquals(401, ended.status(), ended.body());
    assertEquals("TOKEN_REVOKED", ended.code());
    String again = renewed.text("token");
    var byId =
        c.api(0, again).post("/api/v1/users/" + m[1] + "/password", Map.of("password", PASSWORD));
    assertEquals(204, byId.status(), "their own id works as well as me: " + byId.body());

    String third = login(c, 0, m[0], "kim@example.com", PASSWORD).text("token");
    var others =
        c.api(0, third)
            .post("/api/v1/users/" + other.text("id") + "/password", Map.of("password", next));
    assertEquals(403, others.status(), "a member sets no one else's: " + others.body());
    var byAdmin =
        c.api(1, m[2])
            .post("/api/v1/users/" + other.text("id") + "/password", Map.of("password", next));
    assertEquals(204, byAdmin.status(), byAdmin.body());
    assertEquals(200, login(c, 0, m[0], "lee@example.com", next).status());
  }
}
