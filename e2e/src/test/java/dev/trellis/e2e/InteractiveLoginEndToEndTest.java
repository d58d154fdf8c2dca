package dev.trellis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A device joins without an auth key: {@code trellis up} prints a login URL and waits; the user
 * opens it, signs in with the built-in login and approves; {@code trellis up} then completes and
 * the device belongs to that user.
 */
class InteractiveLoginEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void root() {
    Lab.requireRoot();
  }

  @Test
  void trellisUpWithoutAKeyCompletesWhenTheUserSignsIn() throws Exception {
    try (Lab lab = new Lab()) {
      ServerUnderTest server = ServerUnderTest.start(lab, "server", "e2e-" + lab.tag, List.of());
      JsonNode user =
          server.call(
              "POST",
              "/api/v1/users",
              Map.of("tailnet", "default", "email", "kim@example.com", "role", "member"),
              201);
      String userId = user.path("id").asText();
      String password = "a long enough password";
      server.call(
          "POST", "/api/v1/users/" + userId + "/password", Map.of("password", password), 204);

      AgentUnderTest device = AgentUnderTest.start(lab, lab.device(), "kims-laptop");
      Path upLog = lab.dir.resolve("up.log");
      Process up =
          lab.start(
              List.of(
                  "ip",
                  "netns",
                  "exec",
                  device.ns,
                  Lab.bin("trellis"),
                  "--socket",
                  device.socket.toString(),
                  "up",
                  "--login-server",
                  server.loginServer,
                  "--hostname",
                  device.name),
              upLog);
      String url = awaitUrl(upLog, up);
      assertTrue(url.startsWith(server.loginServer + "/login/device/"), url);
      String code = url.substring(url.lastIndexOf('/') + 1);

      // The user opens the page and signs in (what its script does, driven over HTTP).
      var page =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode());
      String session =
          post(
                  server.loginServer + "/api/v1/login",
                  null,
                  Map.of("tailnet", "default", "email", "kim@example.com", "password", password))
              .path("token")
              .asText();
      post(server.loginServer + "/api/v1/device-logins/" + code, session, Map.of());

      assertTrue(
          up.waitFor(60, TimeUnit.SECONDS),
          "trellis up did not finish:\n" + Files.readString(upLog));
      assertEquals(0, up.exitValue(), Files.readString(upLog));
      device.await("running", s -> "Running".equals(s.state()), 10_000);
      JsonNode node = server.call("GET", "/api/v1/nodes/" + device.status().self().id(), null, 200);
      assertEquals(userId, node.path("userId").asText(), node.toString());
    }
  }

  private static String awaitUrl(Path log, Process up) throws Exception {
    Pattern p = Pattern.compile("(http://\\S+/login/device/[A-Za-z0-9_-]+)");
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        Matcher m = p.matcher(Files.readString(log));
        if (m.find()) {
          return m.group(1);
        }
      }
      if (!up.isAlive()) {
        throw new AssertionError("trellis up exited:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no login URL:\n" + Files.readString(log));
  }

  private static JsonNode post(String url, String bearer, Object body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    var r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return JSON.readTree(r.body());
  }
}
