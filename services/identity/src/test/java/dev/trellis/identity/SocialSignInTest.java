package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.identity.tailnet.SsoProviders;
import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sign-in presets through the real {@code /login/oidc/start} and callback endpoints: GitHub
 * against {@link GitHubStandIn}; Google and Microsoft against mock-oauth2-server with their claim
 * shapes. Microsoft's multi-tenant discovery document (issuer {@code .../{tenantid}/v2.0}) is
 * served by a small front whose endpoints are mock-oauth2-server's for the tenant that signs, one
 * mock issuer per tenant id, as Microsoft's issuer is per tenant.
 */
@ClusterTest
class SocialSignInTest {
  static final String CLIENT = "social-client";
  static final String SECRET = "social-secret";
  static final String TENANT_A = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  static final String TENANT_B = "11111111-2222-3333-4444-555555555555";

  static GitHubStandIn github;
  static MockOAuth2Server mock;
  static Vertx frontVertx;
  static HttpServer front;

  /** The tenant whose mock issuer signs the next Microsoft token. */
  static volatile String signingTenant = TENANT_A;

  @BeforeAll
  static void providers() {
    github = new GitHubStandIn(CLIENT, SECRET);
    mock = new MockOAuth2Server();
    mock.start();
    frontVertx = Vertx.vertx();
    front =
        frontVertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  String t = signingTenant;
                  String issuer = mock.issuerUrl(t).toString();
                  String template =
                      issuer.substring(0, issuer.length() - t.length()) + "{tenantid}";
                  if (!req.path()
                      .matches(
                          "/(common|organizations|consumers)/v2.0/.well-known/openid-configuration")) {
                    req.response().setStatusCode(404).end();
                    return;
                  }
                  req.response()
                      .putHeader("Content-Type", "application/json")
                      .end(
                          new JsonObject()
                              .put("issuer", template)
                              .put(
                                  "authorization_endpoint",
                                  mock.authorizationEndpointUrl(t).toString())
                              .put("token_endpoint", mock.tokenEndpointUrl(t).toString())
                              .put("jwks_uri", mock.jwksUrl(t).toString())
                              .encode());
                })
            .listen(0, "127.0.0.1")
            .await();
    System.setProperty("trellis.identity.sso.test.github-web", github.base());
    System.setProperty("trellis.identity.sso.test.github-api", github.base());
    System.setProperty(
        "trellis.identity.sso.test.google-issuer", mock.issuerUrl("google").toString());
    System.setProperty(
        "trellis.identity.sso.test.microsoft-base", "http://127.0.0.1:" + front.actualPort());
  }

  @AfterAll
  static void stop() {
    for (String k : List.of("github-web", "github-api", "google-issuer", "microsoft-base")) {
      System.clearProperty("trellis.identity.sso.test." + k);
    }
    github.close();
    mock.shutdown();
    frontVertx.close().await();
  }

  static void settings(IdentityCluster c, String tailnet, Map<String, Object> oidc) {
    String admin = Tailnets.token(c, tailnet, "admin");
    var r = c.api(0, admin).post("/api/v1/tailnets/" + tailnet + "/settings", Map.of("oidc", oidc));
    assertEquals(200, r.status(), r.body());
  }

  static Map<String, Object> preset(String provider, Object... more) {
    Map<String, Object> m = new HashMap<>();
    m.put("provider", provider);
    m.put("clientId", CLIENT);
    m.put("clientSecret", SECRET);
    for (int i = 0; i < more.length; i += 2) {
      m.put((String) more[i], more[i + 1]);
    }
    return m;
  }

  /** start on instance 0 -> the provider's authorize -> the callback URL it redirects to. */
  static URI browseToCallback(IdentityCluster c, String tailnet, String expectedPrefix) {
    var start = c.nodes.get(0).anonymous().get("/login/oidc/start?tailnet=" + tailnet);
    assertEquals(302, start.status(), start.body());
    String authorize = start.raw().headers().firstValue("Location").orElseThrow();
    assertTrue(authorize.startsWith(expectedPrefix), authorize);
    assertTrue(authorize.contains("code_challenge_method=S256") && authorize.contains("state="));
    var atProvider = Api.send(HttpRequest.newBuilder(URI.create(authorize)).GET());
    assertEquals(302, atProvider.status(), atProvider.body());
    return URI.create(atProvider.raw().headers().firstValue("Location").orElseThrow());
  }

  static Api.Reply callback(IdentityCluster c, URI cb) {
    return c.nodes.get(1).anonymous().get(cb.getRawPath() + "?" + cb.getRawQuery());
  }

  static String audit(IdentityCluster c, String tailnet) {
    return c.api(0, Tailnets.token(c, tailnet, "admin"))
        .get("/api/v1/audit?tailnet=" + tailnet)
        .body();
  }

  @Test
  void gitHubSignInChecksStateVerifiedEmailAndOrganization(IdentityCluster c) {
    String t = Tailnets.create(c, "gh");
    settings(
        c,
        t,
        preset("github", "allowedOrgs", List.of("Acme"), "allowedTeams", List.of("other/ops")));

    var methods = c.nodes.get(0).anonymous().get("/login/methods?tailnet=" + t);
    assertEquals(200, methods.status(), methods.body());
    assertTrue(methods.json().path("sso").asBoolean(), methods.body());
    assertEquals("github", methods.json().path("provider").path("sso").asText(), methods.body());

    // A member of acme with a verified primary email signs in; the login names the provider.
    github.nextUser(GitHubStandIn.user(583231, "octocat", "octo@example.com", true, "acme"));
    URI cb = browseToCallback(c, t, github.base() + "/login/oauth/authorize?");
    var done = callback(c, cb);
    assertEquals(200, done.status(), done.body());
    assertEquals("octo@example.com", done.text("email"));
    assertTrue(done.json().path("created").asBoolean());
    String log = audit(c, t);
    assertTrue(log.contains("LoginSucceeded") && log.contains("SSO_GITHUB"), log);

    // The same GitHub account again: the same user.
    github.nextUser(GitHubStandIn.user(583231, "octocat", "octo@example.com", true, "acme"));
    var again = callback(c, browseToCallback(c, t, github.base()));
    assertEquals(200, again.status(), again.body());
    assertEquals(done.text("userId"), again.text("userId"));

    // A member of a listed team (not of acme) signs in too.
    github.nextUser(
        GitHubStandIn.withTeam(
            GitHubStandIn.user(7, "teamie", "teamie@example.com", true, "other"), "other", "ops"));
    assertEquals(200, callback(c, browseToCallback(c, t, github.base())).status());

    // The primary email is not verified (another, verified, address is not primary): refused.
    github.nextUser(GitHubStandIn.user(1001, "unverified", "unv@example.com", false, "acme"));
    var unverified = callback(c, browseToCallback(c, t, github.base()));
    assertEquals("OIDC_USER_NOT_ALLOWED", unverified.code(), unverified.body());

    // Not in acme nor in other/ops: refused.
    github.nextUser(GitHubStandIn.user(1002, "outsider", "out@example.com", true, "elsewhere"));
    var outsider = callback(c, browseToCallback(c, t, github.base()));
    assertEquals("OIDC_USER_NOT_ALLOWED", outsider.code(), outsider.body());

    // The state in the callback is not the one this login was given: refused.
    github.nextUser(GitHubStandIn.user(583231, "octocat", "octo@example.com", true, "acme"));
    URI real = browseToCallback(c, t, github.base());
    String forged = real.getRawQuery().replaceAll("state=[^&]+", "state=forged-state-value");
    var mismatch = c.nodes.get(1).anonymous().get(real.getRawPath() + "?" + forged);
    assertEquals(400, mismatch.status(), mismatch.body());
    assertEquals("OIDC_STATE_INVALID", mismatch.code());

    // GitHub answering something that is not JSON: refused as the provider being unusable,
    // without its text reaching the browser.
    github.garbledEmails = true;
    try {
      github.nextUser(GitHubStandIn.user(583231, "octocat", "octo@example.com", true, "acme"));
      var garbled = callback(c, browseToCallback(c, t, github.base()));
      assertEquals("OIDC_PROVIDER_UNAVAILABLE", garbled.code(), garbled.body());
      assertFalse(garbled.body().contains("rate limited"), garbled.body());
    } finally {
      github.garbledEmails = false;
    }

    String after = audit(c, t);
    assertTrue(after.contains("LoginFailed"), after);
    assertFalse(after.contains(SECRET), after);
  }

  @Test
  void googleSignInUsesGooglesIssuer(IdentityCluster c) {
    String t = Tailnets.create(c, "google");
    settings(c, t, preset("google", "allowedEmailDomains", List.of("example.com")));
    var view = c.api(0, Tailnets.token(c, t, "admin")).get("/api/v1/tailnets/" + t + "/settings");
    assertEquals(SsoProviders.GOOGLE_ISSUER, view.json().path("oidc").path("issuer").asText());
    mock.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            "google",
            "110169484474386276334",
            "JWT",
            List.of(CLIENT),
            Map.of(
                "azp", CLIENT,
                "email", "grace@example.com",
                "email_verified", true,
                "hd", "example.com",
                "name", "Grace Hopper",
                "given_name", "Grace"),
            3600));
    var done = callback(c, browseToCallback(c, t, mock.issuerUrl("google").toString()));
    assertEquals(200, done.status(), done.body());
    assertEquals("grace@example.com", done.text("email"));
    String log = audit(c, t);
    assertTrue(log.contains("SSO_GOOGLE"), log);
  }

  static void nextMicrosoft(String signer, String tid, String sub, String email) {
    signingTenant = signer;
    mock.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            signer,
            sub,
            "JWT",
            List.of(CLIENT),
            Map.of(
                "tid",
                tid,
                "oid",
                "00000000-0000-0000-66f3-3332eca7ea81",
                "ver",
                "2.0",
                "email",
                email,
                "xms_edov",
                true,
                "preferred_username",
                email,
                "name",
                "Ms " + sub),
            3600));
  }

  @Test
  void microsoftMultiTenantIssuerIsCheckedAgainstTheTokensTenant(IdentityCluster c) {
    // Each tenant endpoint's discovery document is fetched once and cached, so each case below
    // uses its own endpoint (common, organizations, consumers) and sets the signer first.
    String t = Tailnets.create(c, "ms");
    settings(c, t, preset("microsoft", "tenant", "common"));

    // Signed by tenant A's issuer and saying tid A: accepted.
    nextMicrosoft(TENANT_A, TENANT_A, "ms-sub-a", "ada@contoso.example");
    var good = callback(c, browseToCallback(c, t, mock.issuerUrl(TENANT_A).toString()));
    assertEquals(200, good.status(), good.body());
    assertEquals("ada@contoso.example", good.text("email"));
    assertTrue(audit(c, t).contains("SSO_MICROSOFT"));

    // Signed by tenant A's issuer but claiming tenant B: the iss is not B's, refused.
    nextMicrosoft(TENANT_A, TENANT_B, "ms-sub-b", "bob@fabrikam.example");
    var forged = callback(c, browseToCallback(c, t, mock.issuerUrl(TENANT_A).toString()));
    assertEquals("OIDC_TOKEN_INVALID", forged.code(), forged.body());

    // A personal account (the consumer tenant) at "organizations": refused.
    String orgs = Tailnets.create(c, "ms-orgs");
    settings(c, orgs, preset("microsoft", "tenant", "organizations"));
    String consumer = SsoProviders.CONSUMER_TENANT;
    nextMicrosoft(consumer, consumer, "msa", "me@outlook.example");
    var personal = callback(c, browseToCallback(c, orgs, mock.issuerUrl(consumer).toString()));
    assertEquals("OIDC_USER_NOT_ALLOWED", personal.code(), personal.body());

    // A work account at "consumers": refused; a personal one: accepted.
    String msa = Tailnets.create(c, "ms-msa");
    settings(c, msa, preset("microsoft", "tenant", "consumers"));
    nextMicrosoft(consumer, TENANT_A, "work", "work@contoso.example");
    var work = callback(c, browseToCallback(c, msa, mock.issuerUrl(consumer).toString()));
    assertEquals("OIDC_USER_NOT_ALLOWED", work.code(), work.body());
    nextMicrosoft(consumer, consumer, "msa", "me@outlook.example");
    var me = callback(c, browseToCallback(c, msa, mock.issuerUrl(consumer).toString()));
    assertEquals(200, me.status(), me.body());
  }

  @Test
  void presetsRefuseSettingsThatDoNotFit(IdentityCluster c) {
    String t = Tailnets.create(c, "presets");
    String admin = Tailnets.token(c, t, "admin");
    for (var bad :
        List.<Map<String, Object>>of(
            preset("github", "issuer", "https://evil.example"),
            preset("microsoft"),
            preset("microsoft", "tenant", "not-a-tenant"),
            preset("google", "allowedOrgs", List.of("acme")),
            preset("github", "allowedTeams", List.of("no-slash")),
            preset("gitlab"))) {
      var r = c.api(0, admin).post("/api/v1/tailnets/" + t + "/settings", Map.of("oidc", bad));
      assertEquals(400, r.status(), bad + " " + r.body());
    }
  }
}
