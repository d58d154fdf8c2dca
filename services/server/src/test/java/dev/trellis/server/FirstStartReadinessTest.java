package dev.trellis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.testkit.port.FreePorts;
import dev.trellis.testkit.tag.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The readiness signal the README documents: a script that polls {@code /readyz} on a first start
 * and reads {@code <state-dir>/admin-token} as soon as it answers 200 finds the token there, and
 * the token already works against the admin API. {@code /healthz} answers earlier (the process is
 * up), which is why it is not the signal to wait for.
 */
@IntegrationTest
class FirstStartReadinessTest {
  @TempDir Path stateDir;

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private static int status(String url, String token) {
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
      if (token != null) {
        request.header("Authorization", "Bearer " + token);
      }
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      return -1; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void readyImpliesTheAdminTokenIsWrittenAndAccepted() throws Exception {
    int http = FreePorts.tcp();
    int hz = FreePorts.tcp();
    String cluster = "ready-" + ProcessHandle.current().pid();
    try (ServerProcess server =
        ServerProcess.launch(stateDir, http, hz, cluster, java.util.List.of())) {
      String url = server.url();
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      boolean healthyBeforeReady = false;
      while (status(url + "/readyz", null) != 200) {
        assertTrue(server.alive(), "server exited:\n" + server.output());
        assertTrue(System.nanoTime() < deadline, "never ready:\n" + server.output());
        healthyBeforeReady |= status(url + "/healthz", null) == 200;
        Thread.sleep(5);
      }
      Path tokenFile = stateDir.resolve("admin-token");
      assertTrue(
          Files.exists(tokenFile), "/readyz answered 200 before the admin token was written");
      String token = Files.readString(tokenFile).trim();
      assertEquals(
          200,
          status(url + "/api/v1/tailnets", token),
          "/readyz answered 200 before the admin token was accepted");
      assertTrue(healthyBeforeReady, "/healthz is expected to answer while services start");
    }
  }
}
