package dev.trellis.load.device;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The all-in-one server of a device benchmark, started with the repository's {@code
 * bin/trellis-server} in the root namespace and listening on every interface so that the lab's
 * devices reach it, plus the few admin calls a benchmark needs (auth keys, node deletion) with the
 * first-start admin token.
 *
 * <p>Thread-safety: used from the benchmark's main thread only.
 */
final class LabServer {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final String loginServer;
  final String adminUrl;
  final Path stateDir;
  private final Process process;
  private final Path log;

  private LabServer(String loginServer, String adminUrl, Path stateDir, Process p, Path log) {
    this.loginServer = loginServer;
    this.adminUrl = adminUrl;
    this.stateDir = stateDir;
    this.process = p;
    this.log = log;
  }

  /** Starts the server of {@code repo} in {@code lab} and waits for {@code /readyz}. */
  static LabServer start(DeviceLab lab, Path repo) throws IOException, InterruptedException {
    Path state = Files.createDirectories(lab.dir.resolve("server"));
    Path log = lab.dir.resolve("server.log");
    int http = freePort();
    List<String> cmd =
        List.of(
            repo.resolve("bin/trellis-server").toString(),
            "--state-dir",
            state.toString(),
            "--http-host",
            "0.0.0.0",
            "--http-port",
            Integer.toString(http),
            "--hazelcast-port",
            Integer.toString(freePort()),
            "--hazelcast-cluster",
            "bench-" + lab.tag,
            "--relay-port",
            "0",
            "--stun-port",
            "0");
    Process p = lab.start(cmd, Map.of(), log);
    LabServer s =
        new LabServer(
            "http://" + lab.hostIp + ":" + http, "http://127.0.0.1:" + http, state, p, log);
    s.awaitReady(300);
    return s;
  }

  private void awaitReady(int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("the server exited:\n" + Files.readString(log));
      }
      try {
        var r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(adminUrl + "/readyz")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IOException("the server was not ready in " + seconds + " s; log " + log);
  }

  /** The first-start admin token. */
  String token() throws IOException {
    return Files.readString(stateDir.resolve("admin-token")).strip();
  }

  /** A new reusable, pre-approved auth key of the default tailnet. */
  String authKey() throws IOException, InterruptedException {
    JsonObject body =
        new JsonObject().put("tailnet", "default").put("reusable", true).put("preapproved", true);
    return new JsonObject(call("POST", "/api/v1/authkeys", body.encode(), 201)).getString("key");
  }

  /** Deletes a node (it leaves every other device's netmap). */
  void deleteNode(String id) throws IOException, InterruptedException {
    call("DELETE", "/api/v1/nodes/" + id, null, 200);
  }

  private String call(String method, String path, String json, int expected)
      throws IOException, InterruptedException {
    var b =
        HttpRequest.newBuilder(URI.create(adminUrl + path))
            .header("Authorization", "Bearer " + token())
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    var r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new IOException(method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
