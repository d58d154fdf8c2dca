package dev.trellis.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.netlab.Command;
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

/**
 * A person at a browser: creates users with passwords through the admin API, and joins a device
 * interactively ({@code trellis up} without a key prints a login URL; the user signs in and
 * approves it), so that the device belongs to that user.
 *
 * <p>Thread-safety: used from the test thread only.
 */
public final class SignIn {
  static final String PASSWORD = "a long enough password";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private SignIn() {}

  /** Creates a member with {@link #PASSWORD}; returns the user id. */
  static String member(ServerUnderTest server, String email) throws Exception {
    JsonNode user =
        server.call(
            "POST",
            "/api/v1/users",
            Map.of("tailnet", "default", "email", email, "role", "member"),
            201);
    String id = user.path("id").asText();
    server.call("POST", "/api/v1/users/" + id + "/password", Map.of("password", PASSWORD), 204);
    return id;
  }

  /** Runs {@code trellis up} without a key on {@code device}; returns the login URL it printed. */
  static Process upWithoutKey(
      Lab lab, ServerUnderTest server, AgentUnderTest device, Path log, String... extra)
      throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
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
                device.name));
    cmd.addAll(List.of(extra));
    return lab.start(cmd, log);
  }

  /** Joins {@code device} interactively as {@code email}; waits until {@code trellis up} ends. */
  static void join(Lab lab, ServerUnderTest server, AgentUnderTest device, String email)
      throws Exception {
    Command.Result r = tryJoin(lab, server, device, email);
    if (r.code() != 0) {
      throw new AssertionError("trellis up failed:\n" + r.out());
    }
  }

  /** Like {@link #join} with extra {@code trellis up} flags; returns its exit code and output. */
  static Command.Result tryJoin(
      Lab lab, ServerUnderTest server, AgentUnderTest device, String email, String... extra)
      throws Exception {
    Path log = lab.dir.resolve("up-" + device.name + "-" + System.nanoTime() + ".log");
    Process up = upWithoutKey(lab, server, device, log, extra);
    String url = awaitUrl(log, up);
    approve(server, url, email);
    if (!up.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("trellis up did not finish:\n" + Files.readString(log));
    }
    return new Command.Result(up.exitValue(), Files.readString(log));
  }

  /** Signs in as {@code email} and approves the device behind {@code url}. */
  static void approve(ServerUnderTest server, String url, String email) throws Exception {
    String code = url.substring(url.lastIndexOf('/') + 1);
    String session =
        post(
                server.loginServer + "/api/v1/login",
                null,
                Map.of("tailnet", "default", "email", email, "password", PASSWORD))
            .path("token")
            .asText();
    post(server.loginServer + "/api/v1/device-logins/" + code, session, Map.of());
  }

  /** The device login URL {@code trellis up} printed to {@code log}, waiting up to 60 s. */
  public static String awaitUrl(Path log, Process up) throws Exception {
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

  static JsonNode post(String url, String bearer, Object body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    var r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError(url + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
