package dev.trellis.e2e.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.e2e.Lab;
import dev.trellis.netlab.Command;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The multi-process topology exactly as an operator starts it: {@code infra/local/start} in a run
 * directory (one Kafka broker process, one JVM per service instance), read back from its {@code
 * topology.env} and pid files; instances are killed, stopped and relaunched by PID and by the
 * relaunch scripts the launcher wrote; {@link #close()} runs {@code infra/local/stop}.
 *
 * <p>Thread-safety: used from the test thread only.
 */
final class LocalTopology implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Path runDir;
  final Map<String, String> env = new HashMap<>();
  final long startMillis;

  private LocalTopology(Path runDir, long startMillis) throws IOException {
    this.runDir = runDir;
    this.startMillis = startMillis;
    for (String line : Files.readAllLines(runDir.resolve("topology.env"))) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
  }

  /**
   * A random {@code --base-port} whose 300 ports lie below the kernel's ephemeral range (32768 and
   * up by default): a port in that range may already be the local end of one of the topology's own
   * connections (a service's Kafka client) when the next service binds it.
   */
  static int randomBasePort() {
    return 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(60) * 200;
  }

  /**
   * The topology both multi-process tests run: two coordinators and one relay on a random base
   * port, in {@code lab}'s directory, as Hazelcast cluster {@code clusterPrefix-<lab tag>}.
   */
  static LocalTopology startTwoCoordinators(Lab lab, String clusterPrefix) throws IOException {
    return start(
        lab.dir.resolve("run"),
        List.of(
            "--base-port",
            String.valueOf(randomBasePort()),
            "--coordinators",
            "2",
            "--relays",
            "1",
            "--cluster",
            clusterPrefix + "-" + lab.tag));
  }

  /**
   * Runs {@code infra/local/start} with {@code args} into {@code runDir}; fails with its output.
   */
  static LocalTopology start(Path runDir, List<String> args) throws IOException {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                Lab.REPO.resolve("infra/local/start").toString(), "--run-dir", runDir.toString()));
    cmd.addAll(args);
    long t0 = System.nanoTime();
    Command.Result r = Lab.exec(cmd, 400);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (r.code() != 0) {
      String logs = tails(runDir);
      new LocalTopology.Stopper(runDir).run();
      throw new AssertionError("infra/local/start failed (" + r.code() + "):\n" + r.out() + logs);
    }
    System.out.println(r.out());
    return new LocalTopology(runDir, ms);
  }

  /** An instance's base URL on loopback, e.g. {@code url("coordinator-1")}. */
  String url(String instance) {
    String u = env.get("TRELLIS_URL_" + instance.replace('-', '_'));
    if (u == null) {
      throw new IllegalArgumentException("no instance " + instance + " in " + env);
    }
    return u;
  }

  /** An instance's /metrics URL (its own loopback listener, not the HTTP port). */
  String metricsUrl(String instance) {
    String u = env.get("TRELLIS_METRICS_" + instance.replace('-', '_'));
    if (u == null) {
      throw new IllegalArgumentException("no metrics of " + instance + " in " + env);
    }
    return u;
  }

  /** An instance's Prometheus text. */
  String metrics(String instance) throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(metricsUrl(instance)))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  int port(String instance) {
    return URI.create(url(instance)).getPort();
  }

  long pid(String instance) throws IOException {
    return Long.parseLong(Files.readString(runDir.resolve(instance + ".pid")).strip());
  }

  /** SIGKILL by PID, like a crash; waits until the process is gone. */
  void kill9(String instance) throws IOException, InterruptedException {
    signal(instance, true);
  }

  /** SIGTERM by PID (a graceful stop); waits until the process is gone. */
  void stop(String instance) throws IOException, InterruptedException {
    signal(instance, false);
  }

  private void signal(String instance, boolean kill) throws IOException, InterruptedException {
    ProcessHandle p =
        ProcessHandle.of(pid(instance))
            .orElseThrow(() -> new IllegalStateException(instance + " is not running"));
    if (kill) {
      p.destroyForcibly();
    } else {
      p.destroy();
    }
    try {
      p.onExit().get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(instance + " did not exit", e);
    }
  }

  /** Starts an instance again with the script {@code infra/local/start} wrote for it. */
  void relaunch(String instance) throws IOException {
    Path script = runDir.resolve(instance + ".sh");
    new ProcessBuilder("setsid", script.toString())
        .redirectErrorStream(true)
        .redirectOutput(
            ProcessBuilder.Redirect.appendTo(runDir.resolve(instance + ".log").toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
  }

  /** Waits until {@code instance}'s {@code /readyz} answers 200. */
  void awaitReady(String instance, int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        var r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(url(instance) + "/readyz")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError(instance + " not ready after " + seconds + " s\n" + tail(instance));
  }

  String token() throws IOException {
    return Files.readString(Path.of(env.get("TRELLIS_TOKEN_FILE"))).strip();
  }

  /** An admin API call to {@code instance}; asserts the status and returns the JSON body. */
  JsonNode call(String instance, String method, String path, Object body, int expected)
      throws IOException, InterruptedException {
    var r = send(instance, method, path, body);
    if (r.statusCode() != expected) {
      throw new AssertionError(
          method + " " + instance + path + ": " + r.statusCode() + " " + r.body());
    }
    return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
  }

  /** The raw reply of an admin API call. */
  HttpResponse<String> send(String instance, String method, String path, Object body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(instance) + path))
            .header("Authorization", "Bearer " + token())
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60));
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  String tail(String instance) {
    try {
      List<String> lines = Files.readAllLines(runDir.resolve(instance + ".log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log for " + instance + ")";
    }
  }

  private static String tails(Path runDir) {
    StringBuilder out = new StringBuilder();
    try (var files = Files.list(runDir)) {
      for (Path log : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(log);
        out.append("\n--- ").append(log.getFileName()).append('\n');
        out.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
      }
    } catch (IOException e) {
      out.append("(logs unreadable: ").append(e).append(')');
    }
    return out.toString();
  }

  @Override
  public void close() {
    new Stopper(runDir).run();
  }

  /** Runs {@code infra/local/stop} on a run directory. */
  private record Stopper(Path runDir) {
    void run() {
      try {
        Lab.exec(
            List.of(
                Lab.REPO.resolve("infra/local/stop").toString(),
                "--run-dir",
                runDir.toString(),
                "--grace",
                "10"),
            180);
      } catch (IOException e) {
        System.err.println("infra/local/stop failed: " + e);
      }
    }
  }
}
