package dev.trellis.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.admin.cli.AdminMain;
import dev.trellis.testkit.port.FreePorts;
import dev.trellis.testkit.tag.IntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The all-in-one server as operators run it, in its own JVM: first start bootstraps a tailnet and
 * an admin token (0600), {@code trellis-admin} creates and lists tailnets and reads the audit log,
 * and sets a tailnet's DNS, and after {@code kill -9} and a restart on the same state directory
 * every event is still there (DNS settings included), the projections rebuilt from the log equal
 * the live state, and nothing is bootstrapped twice.
 */
@IntegrationTest
class CrashRestartTest {
  @TempDir Path stateDir;

  private record Result(int code, String out, String err) {}

  private static Result admin(String url, String token, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        AdminMain.run(
            args,
            Map.of("TRELLIS_SERVER", url, "TRELLIS_TOKEN", token),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@code audit --follow} sends the history at once and keeps the stream open for more. */
  private static void assertFollowStreams(String url, String token) throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    // The history as a plain query answers it, so the follow stream must send as many lines.
    var history =
        client.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(url + "/api/v1/audit?tailnet=default"))
                .header("Authorization", "Bearer " + token)
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, history.statusCode(), history.body());
    long historyLines = history.body().lines().filter(l -> !l.isBlank()).count();
    assertTrue(historyLines >= 3, "bootstrap events at least: " + history.body());
    var request =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url + "/api/v1/audit?tailnet=default&follow=true"))
            .header("Authorization", "Bearer " + token)
            .build();
    var response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    java.io.InputStream body = response.body();
    var lines =
        new java.io.BufferedReader(new java.io.InputStreamReader(body, StandardCharsets.UTF_8));
    try {
      for (int i = 0; i < historyLines; i++) {
        String line = lines.readLine();
        assertTrue(line != null && line.contains("\"tailnet\""), "history line " + i + ": " + line);
      }
      var more =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return lines.readLine();
                } catch (java.io.IOException e) {
                  return "closed: " + e;
                }
              });
      Thread.sleep(1500);
      assertFalse(more.isDone(), "the follow stream ended: " + (more.isDone() ? more.get() : ""));
    } finally {
      // Close the body, not the reader: a reader blocked in readLine holds the reader's lock.
      body.close();
    }
  }

  @Test
  void eventsAndProjectionsSurviveKillNine() throws Exception {
    int http = FreePorts.tcp();
    int hz = FreePorts.tcp();
    String cluster = "crash-" + ProcessHandle.current().pid();
    String token;
    try (ServerProcess first = ServerProcess.start(stateDir, http, hz, cluster)) {
      assertTrue(first.output().contains("Admin API token kept in"), first.output());
      Path tokenFile = stateDir.resolve("admin-token");
      assertEquals(
          Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(tokenFile));
      token = Files.readString(tokenFile).trim();
      assertTrue(token.startsWith("trellis-api-"));
      assertFalse(
          first.output().contains(token.substring(12)),
          "a non-interactive server's output is a log: the token must not be in it");

      Result created = admin(first.url(), token, "tailnet", "create", "engineering");
      assertEquals(0, created.code(), created.err());
      assertTrue(created.out().contains("engineering"), created.out());
      Result dup = admin(first.url(), token, "tailnet", "create", "engineering");
      assertEquals(1, dup.code());
      assertTrue(dup.err().contains("CONFLICT"), dup.err());
      Result badToken =
          admin(first.url(), token.substring(0, token.length() - 2) + "xx", "tailnet", "list");
      assertEquals(1, badToken.code());
      assertTrue(badToken.err().contains("TOKEN_INVALID"), badToken.err());
      Result split =
          admin(
              first.url(),
              token,
              "dns",
              "split",
              "set",
              "corp.test",
              "10.0.0.53",
              "--tailnet",
              "engineering");
      assertEquals(0, split.code(), split.err());
      Result record =
          admin(
              first.url(),
              token,
              "dns",
              "records",
              "add",
              "grafana.internal",
              "A",
              "100.64.0.7",
              "--tailnet",
              "engineering");
      assertEquals(0, record.code(), record.err());
      Result badDns =
          admin(
              first.url(),
              token,
              "dns",
              "set",
              "--nameservers",
              "dns.google",
              "--tailnet",
              "engineering");
      assertEquals(1, badDns.code());
      assertTrue(badDns.err().contains("VALIDATION_FAILED"), badDns.err());

      first.kill();
    }

    try (ServerProcess second = ServerProcess.start(stateDir, http, hz, cluster)) {
      assertFalse(
          second.output().contains("Admin API token"), "bootstrapped twice:\n" + second.output());
      Result list = admin(second.url(), token, "tailnet", "list");
      assertEquals(0, list.code(), list.err());
      assertTrue(list.out().contains("default") && list.out().contains("engineering"), list.out());

      Result audit = admin(second.url(), token, "audit", "--tailnet", "default");
      assertEquals(0, audit.code(), audit.err());
      for (String type : new String[] {"TailnetCreated", "UserCreated", "ApiTokenCreated"}) {
        assertTrue(audit.out().contains(type), audit.out());
      }
      Result eng = admin(second.url(), token, "audit", "--tailnet", "engineering", "--json");
      assertEquals(0, eng.code(), eng.err());
      assertTrue(eng.out().contains("\"type\":\"trellis.event.v1.TailnetCreated\""), eng.out());
      assertTrue(eng.out().contains("\"kind\":\"API_TOKEN\""), eng.out());
      assertTrue(eng.out().contains("trellis.event.v1.DnsSettingsChanged"), eng.out());
      Result dns = admin(second.url(), token, "dns", "get", "--tailnet", "engineering");
      assertEquals(0, dns.code(), dns.err());
      assertTrue(dns.out().contains("corp.test -> 10.0.0.53"), dns.out());
      assertTrue(dns.out().contains("grafana.internal A 100.64.0.7"), dns.out());
      assertTrue(dns.out().contains("DNS version 2"), dns.out());

      assertFollowStreams(second.url(), token);

      Result verify = admin(second.url(), token, "replay", "--verify");
      assertEquals(0, verify.code(), verify.out() + verify.err());
      assertTrue(verify.out().contains("equal"), verify.out());

      int code = second.terminate();
      assertTrue(code == 0 || code == 143, "SIGTERM must stop the server (exit " + code + ")");
    }
  }
}
