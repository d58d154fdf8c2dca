package dev.trellis.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@code trellis-server} running as a separate JVM (started from the test's own class path), so a
 * test can kill it with SIGKILL like an operator's {@code kill -9}. Collects its output.
 *
 * <p>Thread-safety: one test thread; the output pump runs on its own thread.
 */
final class ServerProcess implements AutoCloseable {
  private static final List<String> JVM_FLAGS =
      List.of(
          "-Xmx512m",
          "-XX:+UseSerialGC",
          "--add-modules",
          "java.se",
          "--add-exports",
          "java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens",
          "java.base/java.lang=ALL-UNNAMED",
          "--add-opens",
          "java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens",
          "java.management/sun.management=ALL-UNNAMED",
          "--add-opens",
          "jdk.management/com.sun.management.internal=ALL-UNNAMED",
          "--enable-native-access=ALL-UNNAMED");

  private final Process process;
  private final StringBuffer output = new StringBuffer();
  private final CompletableFuture<String> listening = new CompletableFuture<>();
  private final Thread pump;
  final int httpPort;

  private ServerProcess(Process process, int httpPort) {
    this.process = process;
    this.httpPort = httpPort;
    this.pump =
        Thread.ofPlatform()
            .daemon()
            .name("server-output")
            .start(
                () -> {
                  try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                      output.append(line).append('\n');
                      if (line.contains("listening on http://")) {
                        listening.complete(line);
                      }
                    }
                  } catch (IOException e) {
                    // the process went away
                  }
                  listening.completeExceptionally(
                      new IllegalStateException("server exited before listening:\n" + output));
                });
  }

  /** Starts a server on {@code stateDir} with free ports and waits until it serves. */
  static ServerProcess start(Path stateDir, int httpPort, int hazelcastPort, String cluster)
      throws Exception {
    return start(stateDir, httpPort, hazelcastPort, cluster, List.of());
  }

  /** Like {@link #start(Path, int, int, String)} with extra flags (e.g. {@code --service}). */
  static ServerProcess start(
      Path stateDir, int httpPort, int hazelcastPort, String cluster, List<String> extra)
      throws Exception {
    ServerProcess server = launch(stateDir, httpPort, hazelcastPort, cluster, extra);
    try {
      server.listening.get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      server.close();
      throw new IllegalStateException("server did not start:\n" + server.output(), e);
    }
    return server;
  }

  /** Starts the process without waiting for it to serve. */
  static ServerProcess launch(
      Path stateDir, int httpPort, int hazelcastPort, String cluster, List<String> extra)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_FLAGS);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ServerMain.class.getName());
    cmd.addAll(
        List.of(
            "--state-dir",
            stateDir.toString(),
            "--http-port",
            String.valueOf(httpPort),
            "--hazelcast-port",
            String.valueOf(hazelcastPort),
            "--hazelcast-cluster",
            cluster));
    if (!extra.contains("--http-host")) {
      cmd.addAll(List.of("--http-host", "127.0.0.1"));
    }
    cmd.addAll(extra);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    return new ServerProcess(p, httpPort);
  }

  /** Waits until the output contains {@code text}; false after {@code seconds}. */
  boolean awaitOutput(String text, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (output.indexOf(text) >= 0) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** Whether the process still runs. */
  boolean alive() {
    return process.isAlive();
  }

  String url() {
    return "http://127.0.0.1:" + httpPort;
  }

  String output() {
    return output.toString();
  }

  /** SIGKILL, as {@code kill -9}: no shutdown hook runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, then waits for a clean exit. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    pump.join(10_000);
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
