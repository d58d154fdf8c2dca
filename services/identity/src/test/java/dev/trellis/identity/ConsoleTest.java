package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.identity.console.ConsoleRoutes;
import dev.trellis.runtime.access.BrowserSession;
import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterTest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The web console's files, its browser sessions and the audit's server-sent events. */
@ClusterTest
class ConsoleTest {
  static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>");

  @Test
  void theConsoleIsServedAtTheRootWithItsSecurityHeaders(IdentityCluster c) {
    Api anon = c.nodes.get(0).anonymous();
    var root = anon.get("/");
    assertEquals(200, root.status(), root.body());
    assertTrue(root.body().contains("/console/app.js"), root.body());
    assertFalse(INLINE_SCRIPT.matcher(root.body()).find(), "no inline script");
    assertFalse(root.body().contains(" style="), "no inline style");
    var h = root.raw().headers();
    assertEquals(
        ConsoleRoutes.CONTENT_SECURITY_POLICY, h.firstValue("Content-Security-Policy").orElse(""));
    assertEquals("nosniff", h.firstValue("X-Content-Type-Options").orElse(""));
    assertEquals("no-referrer", h.firstValue("Referrer-Policy").orElse(""));

    var js = anon.get("/console/app.js");
    assertEquals(200, js.status());
    assertTrue(js.raw().headers().firstValue("Content-Type").orElse("").contains("javascript"));
    assertTrue(js.raw().headers().firstValue("Content-Security-Policy").isPresent());
    for (String page :
        new String[] {"machines", "keys", "users", "tokens", "policy", "dns", "audit", "device"}) {
      var module = anon.get("/console/" + page + ".js");
      assertEquals(200, module.status(), page);
      assertFalse(module.body().contains("innerHTML"), page + " writes text, never HTML");
    }
    assertEquals(404, anon.get("/console/missing.js").status());
    var api = anon.get("/api/v1/no-such-thing");
    assertEquals(404, api.status());
    assertEquals("NOT_FOUND", api.code(), api.body());
  }

  @Test
  void anApiTokenLearnsWhoOwnsItButGetsNoCsrfSecret(IdentityCluster c) {
    String t = Tailnets.create(c, "first");
    var who = c.api(1, Tailnets.token(c, t, "admin")).get("/api/v1/session");
    assertEquals(200, who.status(), who.body());
    assertTrue(who.json().path("apiToken").asBoolean(), who.body());
    assertEquals("admin", who.text("role"));
    assertEquals("", who.text("csrf"), "a bearer request has no browser session to protect");
    assertFalse(who.text("email").isEmpty(), who.body());
    assertEquals(401, c.api(1, "not-a-token").get("/api/v1/session").status());
  }

  @Test
  void aBrowserSessionIsAnHttpOnlyCookieAndItsStateChangesNeedTheCsrfSecret(IdentityCluster c) {
    String[] m = LoginTest.memberWithPassword(c, "web@example.com");
    String base = c.nodes.get(1).anonymous().base();
    var signIn =
        Api.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/session"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"tailnet\":\""
                            + m[0]
                            + "\",\"email\":\"web@example.com\",\"password\":\""
                            + LoginTest.PASSWORD
                            + "\"}")));
    assertEquals(200, signIn.status(), signIn.body());
    assertFalse(signIn.json().has("token"), "script never gets the session token");
    String setCookie = signIn.raw().headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(setCookie.startsWith(BrowserSession.COOKIE + "="), setCookie);
    assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie);
    assertFalse(setCookie.contains("Secure"), "plain HTTP: no Secure flag");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String csrf = signIn.text("csrf");
    assertEquals("member", signIn.text("role"));

    var current =
        Api.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/session"))
                .header("Cookie", cookie)
                .GET());
    assertEquals(200, current.status(), current.body());
    assertEquals(csrf, current.text("csrf"));
    assertEquals("web@example.com", current.text("email"));

    var logoutNoCsrf =
        Api.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/logout"))
                .header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertEquals(403, logoutNoCsrf.status(), "a cross-site page cannot sign the browser out");

    String body = "{\"password\":\"another long password\"}";
    var noCsrf =
        Api.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/users/me/password"))
                .header("Cookie", cookie)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertEquals(403, noCsrf.status(), noCsrf.body());
    var otherOrigin =
        Api.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/users/me/password"))
                .header("Cookie", cookie)
                .header(BrowserSession.CSRF_HEADER, csrf)
                .header("Origin", "https://evil.example")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertEquals(403, otherOrigin.status(), otherOrigin.body());
    var ok =
        Api.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/users/me/password"))
                .header("Cookie", cookie)
                .header(BrowserSession.CSRF_HEADER, csrf)
                .header("Origin", base)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    assertEquals(204, ok.status(), ok.body());
    // a password change ends the user's sessions, the cookie's too
    var after =
        Api.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/session"))
                .header("Cookie", cookie)
                .GET());
    assertEquals(401, after.status(), after.body());
  }

  @Test
  void theAuditFollowsAsServerSentEvents(IdentityCluster c) throws Exception {
    String base = c.nodes.get(0).anonymous().base();
    HttpResponse<InputStream> stream =
        Api.HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/audit?follow=true"))
                .header("Authorization", "Bearer " + c.adminToken)
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, stream.statusCode());
    assertTrue(
        stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      CompletableFuture<String> data =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith("data: ") && line.contains("sse@example.com")) {
                      return line;
                    }
                  }
                  return null;
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      var u = c.admin(1).post("/api/v1/users", Map.of("email", "sse@example.com"));
      assertEquals(201, u.status(), u.body());
      String line = data.get(20, TimeUnit.SECONDS);
      assertTrue(line.startsWith("data: {\"time\":"), line);
    }
  }
}
