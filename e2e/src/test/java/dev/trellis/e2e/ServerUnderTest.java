package dev.trellis.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.testkit.port.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Trellis server process started with {@code bin/trellis-server} in the root namespace, listening
 * on every interface so that devices on the lab's bridge reach it, and a small client of its admin
 * API with the first-start admin token.
 *
 * <p>Thread-safety: used from the test thread only.
 */
public final class ServerUnderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Process process;
  final Path stateDir;
  final Path log;
  final int httpPort;
  final int hazelcastPort;

  /** The port of this server's /metrics listener. */
  int metricsPort;

  final String loginServer;
  private String token;

  private ServerUnderTest(
      Process process, Path stateDir, Path log, int httpPort, int hazelcastPort, String host) {
    this.process = process;
    this.stateDir = stateDir;
    this.log = log;
    this.httpPort = httpPort;
    this.hazelcastPort = hazelcastPort;
    this.loginServer = "http://" + host + ":" + httpPort;
  }

  /** Starts an all-in-one server (or, with {@code extra}, e.g. one service joining another). */
  public static ServerUnderTest start(Lab lab, String name, String cluster, List<String> extra)
      throws IOException, InterruptedException {
    Path state = Files.createDirectories(lab.dir.resolve(name));
    Path log = lab.dir.resolve(name + ".log");
    int http = FreePorts.tcp();
    int hz = FreePorts.tcp();
    int metrics = FreePorts.tcp();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Lab.bin("trellis-server"),
                "--state-dir",
                state.toString(),
                "--http-host",
                "0.0.0.0",
                "--http-port",
                String.valueOf(http),
                "--hazelcast-port",
                String.valueOf(hz),
                "--hazelcast-cluster",
                cluster));
    if (!extra.contains("--relay-port")) {
      cmd.addAll(List.of("--relay-port", "0")); // free ports: test servers run side by side
    }
    if (!extra.contains("--stun-port")) {
      cmd.addAll(List.of("--stun-port", "0"));
    }
    if (!extra.contains("--udp-relay-ports")) {
      cmd.addAll(List.of("--udp-relay-ports", "any"));
    }
    if (!extra.contains("--metrics-listen")) {
      cmd.addAll(List.of("--metrics-listen", "127.0.0.1:" + metrics));
    }
    cmd.addAll(extra);
    Process p = lab.start(cmd, log);
    ServerUnderTest s = new ServerUnderTest(p, state, log, http, hz, lab.hostIp);
    s.metricsPort = metrics;
    s.awaitLog("listening on http://", 180);
    s.awaitReady(120);
    return s;
  }

  /** The embedded Kafka bootstrap address the all-in-one printed. */
  public String kafka() throws IOException {
    Matcher m = Pattern.compile("Kafka (127\\.0\\.0\\.1:\\d+)").matcher(Files.readString(log));
    if (!m.find()) {
      throw new IllegalStateException("no Kafka address in the server log");
    }
    return m.group(1);
  }

  void awaitLog(String text, int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("server exited:\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        "no '" + text + "' in the server log:\n" + Files.readString(log));
  }

  void awaitReady(int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        var r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(local() + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("server not ready:\n" + Files.readString(log));
  }

  String local() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** The admin token this server's first start wrote (or that of {@code other}). */
  public String token() throws IOException {
    if (token == null) {
      token = Files.readString(stateDir.resolve("admin-token")).strip();
    }
    return token;
  }

  void useToken(String t) {
    token = t;
  }

  /** The Hazelcast member address other processes join ({@code 127.0.0.1:port}). */
  public String hazelcastMember() {
    return "127.0.0.1:" + hazelcastPort;
  }

  /** SIGKILL, like a crashed machine: no goodbye to devices or the cluster. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Creates a tailnet through the admin API. */
  public void createTailnet(String name) throws IOException {
    call("POST", "/api/v1/tailnets", Map.of("name", name), 201);
  }

  /** The server's Prometheus metrics text ({@code GET /metrics}). */
  public String metrics() throws IOException {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                  .header("Authorization", "Bearer " + token())
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** The server's log so far. */
  public String log() throws IOException {
    return Files.readString(log);
  }

  /** The URL devices log in at. */
  public String loginServer() {
    return loginServer;
  }

  /** The relay's TLS port as the server logged it ("serving on port N"). */
  public int relayPort() throws IOException {
    Matcher m = Pattern.compile("serving on port (\\d+) \\(").matcher(Files.readString(log));
    if (!m.find()) {
      throw new IllegalStateException("no relay port in the server log");
    }
    return Integer.parseInt(m.group(1));
  }

  /** A new auth key's text. */
  public String authKey(String tailnet, Map<String, Object> options) throws IOException {
    Map<String, Object> body = new java.util.HashMap<>(options);
    body.put("tailnet", tailnet);
    return call("POST", "/api/v1/authkeys", body, 201).path("key").asText();
  }

  /**
   * Calls the admin API as the first-start admin: {@code body} as JSON (null for none); fails
   * unless the answer has status {@code expected}; returns the answer's JSON.
   */
  public JsonNode api(String method, String path, Object body, int expected) throws IOException {
    return call(method, path, body, expected);
  }

  /** The id of the node named {@code name} (its MagicDNS label) in tailnet {@code tailnet}. */
  public String nodeId(String tailnet, String name) throws IOException {
    for (JsonNode n : call("GET", "/api/v1/nodes?tailnet=" + tailnet, null, 200).path("nodes")) {
      if (n.path("name").asText().equals(name) || n.path("name").asText().startsWith(name + ".")) {
        return n.path("id").asText();
      }
    }
    throw new AssertionError("no node named " + name + " in " + tailnet);
  }

  /** Replaces the tailnet's policy with {@code hujson}; returns the HTTP status. */
  public int setPolicy(String hujson) throws IOException {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create(local() + "/api/v1/policy"))
                  .header("Authorization", "Bearer " + token())
                  .header("Content-Type", "application/hujson")
                  .timeout(Duration.ofSeconds(30))
                  .POST(HttpRequest.BodyPublishers.ofString(hujson))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  JsonNode call(String method, String path, Object body, int expected) throws IOException {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(local() + path))
              .header("Authorization", "Bearer " + token())
              .header("Content-Type", "application/json")
              .timeout(Duration.ofSeconds(30));
      b.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      var r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != expected) {
        throw new AssertionError(method + " " + path + ": " + r.statusCode() + " " + r.body());
      }
      return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
