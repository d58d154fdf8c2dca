package dev.trellis.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.testkit.tag.IntegrationTest;
import dev.trellis.testkit.tag.RootTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A device joins without an auth key: {@code trellis up} prints a login URL and waits; the user
 * opens it, signs in with the built-in login and approves; {@code trellis up} then completes and
 * the device belongs to that user.
 */
@RootTest
@IntegrationTest
class InteractiveLoginEndToEndTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void root() {
    Lab.requireRoot();
  }

  @Test
  void trellisUpWithoutAKeyCompletesWhenTheUserSignsIn() throws Exception {
    try (Lab lab = new Lab()) {
      ServerUnderTest server = ServerUnderTest.start(lab, "server", "e2e-" + lab.tag, List.of());
      String userId = SignIn.member(server, "kim@example.com");

      AgentUnderTest device = AgentUnderTest.start(lab, lab.device(), "kims-laptop");
      Path upLog = lab.dir.resolve("up.log");
      Process up = SignIn.upWithoutKey(lab, server, device, upLog);
      String url = SignIn.awaitUrl(upLog, up);
      assertTrue(url.startsWith(server.loginServer + "/login/device/"), url);

      // The user opens the link: it is the console's device page (ConsoleBrowserTest drives that
      // page in a real browser); here its API calls are driven over HTTP.
      var page =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(302, page.statusCode());
      String code = url.substring(url.lastIndexOf('/') + 1);
      assertEquals(
          "/#/device/" + code, page.headers().firstValue("Location").orElse(""), page.toString());
      var console =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(server.loginServer + "/")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, console.statusCode());
      SignIn.approve(server, url, "kim@example.com");

      assertTrue(
          up.waitFor(60, TimeUnit.SECONDS),
          "trellis up did not finish:\n" + Files.readString(upLog));
      assertEquals(0, up.exitValue(), Files.readString(upLog));
      device.await("running", s -> "Running".equals(s.state()), 10_000);
      JsonNode node = server.call("GET", "/api/v1/nodes/" + device.status().self().id(), null, 200);
      assertEquals(userId, node.path("userId").asText(), node.toString());
    }
  }
}
