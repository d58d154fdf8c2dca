package dev.trellis.load.control;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts fresh Trellis server processes for a load run and stops them by PID: an all-in-one server
 * (state in a temp dir, free ports) and, for two coordinators, a second process running only the
 * coordinator service, joined to the first one's Kafka broker and Hazelcast cluster. The launch
 * command ({@code java ... -jar trellis-server.jar}, or a class path and main class in tests) is
 * given. Logs go to files beside the state and are copied to {@code /tmp/load-run-<n>.log}.
 *
 * <p>Thread-safety: used from one thread.
 */
final class ServerLauncher implements AutoCloseable {
  /** One started process. */
  record Started(String url, String metricsUrl, long pid, Process process, Path log) {}

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final List<String> command;
  private final Path dir;
  private final String cluster;
  private final List<Started> started = new ArrayList<>();

  /** Every process any launcher started and has not stopped, for a last-resort kill. */
  private static final java.util.Set<Process> LIVE =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Kills every process still running (the run's time limit was reached). */
  static void killAll() {
    for (Process p : LIVE) {
      p.destroyForcibly();
    }
  }

  /**
   * @param command the command that runs ServerMain with its JVM flags (server flags are appended)
   */
  ServerLauncher(List<String> command) throws IOException {
    this.command = List.copyOf(command);
    this.dir = Files.createTempDirectory("load-run-");
    this.cluster = "load-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100_000;
  }

  /** Starts an all-in-one server and {@code coordinators - 1} coordinator-only processes. */
  List<Started> start(int coordinators) throws IOException, InterruptedException {
    int hz = freePort();
    Started first = launch("server", hz, List.of());
    String kafka = null;
    for (int i = 2; i <= coordinators; i++) {
      if (kafka == null) {
        kafka = kafkaAddress(first.log());
      }
      launch(
          "coordinator-" + i,
          freePort(),
          List.of(
              "--service",
              "coordinator",
              "--kafka-bootstrap",
              kafka,
              "--hazelcast-members",
              "127.0.0.1:" + hz));
    }
    return List.copyOf(started);
  }

  /** The admin token the all-in-one wrote at its first start. */
  String adminToken() throws IOException {
    return Files.readString(dir.resolve("server").resolve("admin-token")).strip();
  }

  private Started launch(String name, int hzPort, List<String> extra)
      throws IOException, InterruptedException {
    Path state = Files.createDirectories(dir.resolve(name));
    Path log = dir.resolve(name + ".log");
    int http = freePort();
    int metrics = freePort();
    List<String> cmd = new ArrayList<>(command);
    cmd.addAll(
        List.of(
            "--state-dir",
            state.toString(),
            "--http-host",
            "127.0.0.1",
            "--http-port",
            String.valueOf(http),
            "--hazelcast-port",
            String.valueOf(hzPort),
            "--hazelcast-cluster",
            cluster,
            "--relay-port",
            "0",
            "--stun-port",
            "0",
            "--metrics-listen",
            "127.0.0.1:" + metrics,
            // Every simulated device dials from this host.
            "--max-connections-per-source",
            "0"));
    cmd.addAll(extra);
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
            .start();
    LIVE.add(p);
    Started s =
        new Started("http://127.0.0.1:" + http, "http://127.0.0.1:" + metrics, p.pid(), p, log);
    started.add(s);
    awaitReady(s, 240);
    System.out.printf("load: %s pid %d on %s%n", name, p.pid(), s.url());
    return s;
  }

  private static void awaitReady(Started s, int seconds) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (!s.process().isAlive()) {
        throw new IOException("server exited:\n" + tail(s.log()));
      }
      try {
        var r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(s.url() + "/readyz"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IOException("server not ready in " + seconds + " s:\n" + tail(s.log()));
  }

  private static String kafkaAddress(Path log) throws IOException {
    Matcher m = Pattern.compile("Kafka (127\\.0\\.0\\.1:\\d+)").matcher(Files.readString(log));
    if (!m.find()) {
      throw new IOException("no Kafka address in the server log " + log);
    }
    return m.group(1);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Stops every started process by PID (coordinators first), keeps the logs in /tmp. */
  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      Process p = started.get(i).process();
      p.destroy();
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      LIVE.remove(p);
    }
    for (int i = 0; i < started.size(); i++) {
      try {
        Files.copy(
            started.get(i).log(),
            Path.of("/tmp/load-run-" + (i + 1) + ".log"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        // best effort
      }
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
