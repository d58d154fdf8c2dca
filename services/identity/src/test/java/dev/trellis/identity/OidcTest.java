package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.runtime.auth.JwtResult;
import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Single sign-on against a real OIDC server (mock-oauth2-server): the whole browser redirect flow
 * driven by hand, start on one identity instance and callback on the other.
 */
@ClusterTest
class OidcTest {
  static final String CLIENT = "trellis-client";
  static MockOAuth2Server provider;
  static String issuer;

  @BeforeAll
  static void provider() {
    provider = new MockOAuth2Server();
    provider.start();
    issuer = provider.issuerUrl("default").toString();
  }

  @AfterAll
  static void stop() {
    provider.shutdown();
  }

  static String tailnetWithSso(IdentityCluster c, String admin, String tailnet) {
    var r =
        c.api(0, admin)
            .post(
                "/api/v1/tailnets/" + tailnet + "/settings",
                Map.of(
                    "oidc",
                    Map.of(
                        "issuer",
                        issuer,
                        "clientId",
                        CLIENT,
                        "clientSecret",
                        "client-secret",
                        "allowedEmailDomains",
                        List.of("example.com"))));
    assertEquals(200, r.status(), r.body());
    return tailnet;
  }

  static void nextLogin(String sub, String email, List<String> audience, long expirySeconds) {
    provider.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            "default",
            sub,
            "JWT",
            audience,
            Map.of("email", email, "email_verified", true, "name", "Test " + sub),
            expirySeconds));
  }

  /** start on instance 0 -> provider authorize -> the callback URL the provider redirects to. */
  static URI browseToCallback(IdentityCluster c, String tailnet) {
    var start = c.nodes.get(0).anonymous().get("/login/oidc/start?tailnet=" + tailnet);
    assertEquals(302, start.status(), start.body());
    String authorize = start.raw().headers().firstValue("Location").orElseThrow();
    assertTrue(authorize.startsWith(issuer), authorize);
    assertTrue(authorize.contains("code_challenge_method=S256") && authorize.contains("nonce="));
    var atProvider = Api.send(HttpRequest.newBuilder(URI.create(authorize)).GET());
    assertEquals(302, atProvider.status(), atProvider.body());
    return URI.create(atProvider.raw().headers().firstValue("Location").orElseThrow());
  }

  /** Calls the callback on instance 1 (same path and query). */
  static Api.Reply callback(IdentityCluster c, URI callback) {
    return c.nodes.get(1).anonymous().get(callback.getRawPath() + "?" + callback.getRawQuery());
  }

  @Test
  void firstLoginCreatesTheUserAndAReplayedStateIsRefused(IdentityCluster c) throws Exception {
    String t = Tailnets.create(c, "sso");
    String admin = Tailnets.token(c, t, "admin");
    tailnetWithSso(c, admin, t);
    nextLogin("alice-sub", "Alice@Example.com", List.of(CLIENT), 3600);
    URI cb = browseToCallback(c, t);
    var done = callback(c, cb);
    assertEquals(200, done.status(), done.body());
    assertTrue(done.json().path("created").asBoolean());
    assertEquals("alice@example.com", done.text("email"));
    assertTrue(done.raw().headers().firstValue("Set-Cookie").orElse("").contains("HttpOnly"));
    var session = LoginTest.verifier(c, 0).verify(done.text("token"));
    assertInstanceOf(JwtResult.Verified.class, session, session.toString());

    var users = c.api(1, admin).get("/api/v1/users").body();
    assertTrue(users.contains("alice@example.com") && users.contains("\"oidc\""), users);

    var replay = callback(c, cb);
    assertEquals(400, replay.status(), replay.body());
    assertEquals("OIDC_STATE_INVALID", replay.code());

    // A second login finds the same user.
    nextLogin("alice-sub", "alice@example.com", List.of(CLIENT), 3600);
    var again = callback(c, browseToCallback(c, t));
    assertEquals(200, again.status(), again.body());
    assertFalse(again.json().path("created").asBoolean());
    assertEquals(done.text("userId"), again.text("userId"));

    String audit = c.api(0, admin).get("/api/v1/audit?tailnet=" + t).body();
    assertTrue(audit.contains("LoginSucceeded") && audit.contains("UserCreated"), audit);
    assertFalse(audit.contains("oidc-secret-value-42"));
  }

  @Test
  void idTokensWithBadSignatureIssuerAudienceNonceOrExpiryAreRefused() throws Exception {
    var check = new dev.trellis.identity.oidc.IdTokenCheck(java.time.Clock.systemUTC());
    URI jwks = URI.create(provider.jwksUrl("default").toString());
    java.util.function.Function<String, String> code =
        token -> {
          try {
            check.check(token, issuer, CLIENT, jwks, "n-1");
            return "OK";
          } catch (dev.trellis.runtime.http.ApiException e) {
            return e.code().code();
          }
        };
    var good = provider.issueToken("default", "sub-1", CLIENT, Map.of("nonce", "n-1"));
    assertEquals("OK", code.apply(good.serialize()));
    assertEquals(
        "OIDC_TOKEN_INVALID",
        code.apply(
            provider.issueToken("default", "sub-1", CLIENT, Map.of("nonce", "other")).serialize()));
    assertEquals(
        "OIDC_TOKEN_INVALID",
        code.apply(
            provider
                .issueToken("default", "sub-1", "another", Map.of("nonce", "n-1"))
                .serialize()));
    assertEquals(
        "OIDC_TOKEN_INVALID",
        code.apply(
            provider.issueToken("elsewhere", "sub-1", CLIENT, Map.of("nonce", "n-1")).serialize()));
    var expired =
        provider.issueToken(
            "default",
            CLIENT,
            new DefaultOAuth2TokenCallback(
                "default", "sub-1", "JWT", List.of(CLIENT), Map.of("nonce", "n-1"), -600));
    assertEquals("OIDC_TOKEN_INVALID", code.apply(expired.serialize()));
    // Same header and signature, another subject: the signature no longer matches.
    String[] parts = good.serialize().split("\\.");
    var claims =
        new com.nimbusds.jwt.JWTClaimsSet.Builder(good.getJWTClaimsSet()).subject("admin").build();
    String forged =
        parts[0]
            + "."
            + com.nimbusds.jose.util.Base64URL.encode(claims.toString()).toString()
            + "."
            + parts[2];
    assertEquals("OIDC_TOKEN_INVALID", code.apply(forged));
    // Signed by a key of our own under the provider's key id.
    var own =
        new com.nimbusds.jose.jwk.gen.RSAKeyGenerator(2048)
            .keyID(good.getHeader().getKeyID())
            .generate();
    var selfSigned =
        new com.nimbusds.jwt.SignedJWT(
            new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.RS256)
                .keyID(own.getKeyID())
                .build(),
            good.getJWTClaimsSet());
    selfSigned.sign(new com.nimbusds.jose.crypto.RSASSASigner(own));
    assertEquals("OIDC_TOKEN_INVALID", code.apply(selfSigned.serialize()));
  }

  @Test
  void disallowedDomainsWrongAudienceAndExpiredTokensAreRefused(IdentityCluster c) {
    String t = Tailnets.create(c, "sso-refuse");
    String admin = Tailnets.token(c, t, "admin");
    tailnetWithSso(c, admin, t);

    nextLogin("mallory", "mallory@evil.example", List.of(CLIENT), 3600);
    var domain = callback(c, browseToCallback(c, t));
    assertEquals(403, domain.status(), domain.body());
    assertEquals("OIDC_USER_NOT_ALLOWED", domain.code());

    nextLogin("carol", "carol@example.com", List.of(CLIENT), -600);
    var expired = callback(c, browseToCallback(c, t));
    assertEquals(401, expired.status(), expired.body());
    assertEquals("OIDC_TOKEN_INVALID", expired.code());

    var users = c.api(0, admin).get("/api/v1/users").body();
    assertFalse(users.contains("mallory") || users.contains("carol"));
    var unconfigured = c.nodes.get(0).anonymous().get("/login/oidc/start?tailnet=default");
    assertEquals(404, unconfigured.status());
    assertEquals("OIDC_NOT_CONFIGURED", unconfigured.code());
    // Tailnet names cannot be enumerated here: an unknown tailnet answers exactly the same.
    for (String unknown : new String[] {"no-such-tailnet", "tn0123456789abcdef"}) {
      var r = c.nodes.get(1).anonymous().get("/login/oidc/start?tailnet=" + unknown);
      assertEquals(unconfigured.status(), r.status(), r.body());
      assertEquals(unconfigured.body(), r.body());
    }
  }

  @Test
  void theDeviceLoginPageOffersTheTailnetsSsoAndSsoReturnsToIt(IdentityCluster c) {
    String t = Tailnets.create(c, "sso-page");
    String admin = Tailnets.token(c, t, "admin");
    Api anon = c.nodes.get(0).anonymous();
    var before = anon.get("/login/methods?tailnet=" + t);
    assertEquals(200, before.status(), before.body());
    assertFalse(before.json().path("sso").asBoolean(), before.body());
    tailnetWithSso(c, admin, t);
    var after = c.nodes.get(1).anonymous().get("/login/methods?tailnet=" + t);
    assertTrue(after.json().path("sso").asBoolean(), after.body());
    // an unknown tailnet answers like a known one without single sign-on: names do not leak
    var unknown = anon.get("/login/methods?tailnet=no-such-tailnet-x");
    assertEquals(200, unknown.status(), unknown.body());
    assertEquals(before.body(), unknown.body());
    // the device page is the console's, whose sign-in offers the tailnet's single sign-on
    var device = anon.get("/login/device/abcdefghijklmnop0123");
    assertEquals(302, device.status(), device.body());
    String signIn = anon.get("/console/signin.js").body();
    assertTrue(signIn.contains("/login/methods?tailnet=") && signIn.contains("/login/device/"));

    // only a device login page of this server is a place to come back to
    var elsewhere = anon.get("/login/oidc/start?tailnet=" + t + "&next=https://evil.example/");
    assertEquals(400, elsewhere.status(), elsewhere.body());

    nextLogin("pat-sub", "pat@example.com", List.of(CLIENT), 3600);
    var start =
        anon.get("/login/oidc/start?tailnet=" + t + "&next=/login/device/abcdefghijklmnop0123");
    assertEquals(302, start.status(), start.body());
    String cookie = start.raw().headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(cookie.startsWith("trellis_next=/login/device/abcdefghijklmnop0123;"), cookie);
    var atProvider =
        Api.send(
            HttpRequest.newBuilder(
                    URI.create(start.raw().headers().firstValue("Location").orElseThrow()))
                .GET());
    URI cb = URI.create(atProvider.raw().headers().firstValue("Location").orElseThrow());
    var back =
        Api.send(
            HttpRequest.newBuilder(
                    URI.create(
                        c.nodes.get(1).anonymous().base()
                            + cb.getRawPath()
                            + "?"
                            + cb.getRawQuery()))
                .header("Cookie", cookie.substring(0, cookie.indexOf(';')))
                .GET());
    assertEquals(302, back.status(), back.body());
    assertEquals(
        "/login/device/abcdefghijklmnop0123?sso=1",
        back.raw().headers().firstValue("Location").orElseThrow());
    assertTrue(
        back.raw().headers().allValues("Set-Cookie").stream()
            .anyMatch(v -> v.startsWith("trellis_session=") && v.contains("HttpOnly")),
        back.raw().headers().toString());
  }

  @Test
  void onlyMembersOfAnAllowedGroupSignIn(IdentityCluster c) {
    String t = Tailnets.create(c, "sso-groups");
    String admin = Tailnets.token(c, t, "admin");
    var r =
        c.api(0, admin)
            .post(
                "/api/v1/tailnets/" + t + "/settings",
                Map.of(
                    "oidc",
                    Map.of(
                        "issuer",
                        issuer,
                        "clientId",
                        CLIENT,
                        "clientSecret",
                        "client-secret",
                        "allowedGroups",
                        List.of("vpn-users"))));
    assertEquals(200, r.status(), r.body());
    assertEquals(
        "vpn-users", r.json().path("oidc").path("allowedGroups").get(0).asText(), r.body());

    provider.enqueueCallback(groupLogin("dan", "dan@corp.example", List.of("staff")));
    var outsider = callback(c, browseToCallback(c, t));
    assertEquals(403, outsider.status(), outsider.body());
    assertEquals("OIDC_USER_NOT_ALLOWED", outsider.code());

    provider.enqueueCallback(
        groupLogin("erin", "erin@corp.example", List.of("staff", "vpn-users")));
    var member = callback(c, browseToCallback(c, t));
    assertEquals(200, member.status(), member.body());

    var users = c.api(0, admin).get("/api/v1/users").body();
    assertTrue(users.contains("erin@corp.example"), users);
    assertFalse(users.contains("dan@corp.example"), users);
  }

  private static DefaultOAuth2TokenCallback groupLogin(String sub, String email, List<String> g) {
    return new DefaultOAuth2TokenCallback(
        "default",
        sub,
        "JWT",
        List.of(CLIENT),
        Map.of("email", email, "email_verified", true, "groups", g),
        3600);
  }
}
