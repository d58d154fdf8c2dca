package dev.trellis.load.device;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A LAN for device benchmarks: a bridge in a hub namespace of its own, the root namespace on it
 * through a veth ({@code 10.N.M.1/24}, where the server listens) and device namespaces plugged in
 * by veth pairs ({@code .11}, {@code .12}, ...). Every name carries a random suffix. {@link
 * #close()} stops the processes it started by PID (SIGTERM, then SIGKILL) and deletes exactly the
 * namespaces and links it created, then its working directory; a shutdown hook does the same when
 * the benchmark is interrupted (Ctrl-C, SIGTERM).
 *
 * <p>Thread-safety: synchronised on {@code this}; the benchmark's main thread drives it, the
 * shutdown hook may close it from another.
 */
final class DeviceLab implements AutoCloseable {
  final String tag = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
  final String prefix =
      "10."
          + (100 + ThreadLocalRandom.current().nextInt(100))
          + "."
          + ThreadLocalRandom.current().nextInt(250)
          + ".";
  final String hostIp = prefix + "1";
  final Path dir;
  private final String uplink = "dlu" + tag; // the root namespace's end of the hub link
  private final String hub = "dlh" + tag;
  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final Thread cleanup = new Thread(this::close, "device-lab-cleanup");
  private boolean closed; // guarded by this

  DeviceLab() throws IOException {
    dir = Files.createTempDirectory("trellis-bench");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      sh("ip", "netns", "add", hub);
      sh("ip", "-n", hub, "link", "add", "br0", "type", "bridge");
      sh("ip", "-n", hub, "link", "set", "br0", "up");
      sh("ip", "link", "add", uplink, "type", "veth", "peer", "name", "up0", "netns", hub);
      sh("ip", "-n", hub, "link", "set", "up0", "master", "br0");
      sh("ip", "-n", hub, "link", "set", "up0", "up");
      sh("ip", "addr", "add", hostIp + "/24", "dev", uplink);
      sh("ip", "link", "set", uplink, "up");
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** A new device namespace on the bridge; returns its name. */
  synchronized String device() throws IOException {
    int n = namespaces.size() + 1;
    if (n > 200) {
      throw new IOException("a lab holds at most 200 devices");
    }
    String ns = "dld" + n + tag;
    String host = "dlv" + n + tag;
    sh("ip", "netns", "add", ns);
    namespaces.add(ns);
    sh("ip", "link", "add", host, "type", "veth", "peer", "name", "eth0", "netns", ns);
    sh("ip", "link", "set", host, "netns", hub);
    sh("ip", "-n", hub, "link", "set", host, "master", "br0");
    sh("ip", "-n", hub, "link", "set", host, "up");
    sh("ip", "-n", ns, "addr", "add", prefix + (10 + n) + "/24", "dev", "eth0");
    sh("ip", "-n", ns, "link", "set", "eth0", "up");
    sh("ip", "-n", ns, "link", "set", "lo", "up");
    return ns;
  }

  /** Starts a tracked background process with {@code env} added; output goes to {@code log}. */
  synchronized Process start(List<String> cmd, Map<String, String> env, Path log)
      throws IOException {
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
    b.redirectOutput(log.toFile());
    b.environment().putAll(env);
    Process p = b.start();
    processes.add(p);
    return p;
  }

  /** Stops one process this lab started: SIGTERM, then SIGKILL after 10 s. */
  static void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Runs {@code cmd} in {@code ns}; returns its output, or throws naming the command. */
  static String in(String ns, String... cmd) throws IOException {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    all.addAll(List.of(cmd));
    return sh(all.toArray(String[]::new));
  }

  /** Runs a command to completion (at most 120 s); returns its output or throws. */
  static String sh(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + ": timed out");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out);
      }
      return out;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (Thread.currentThread() != cleanup) {
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down; the hook finds the lab closed
      }
    }
    for (Process p : processes.reversed()) {
      p.destroy();
    }
    for (Process p : processes) {
      stop(p);
    }
    for (String ns : namespaces) {
      quietly("ip", "netns", "del", ns);
    }
    quietly("ip", "netns", "del", hub);
    quietly("ip", "link", "del", uplink);
    if (!Boolean.getBoolean("trellis.bench.keep")) {
      quietly("rm", "-rf", "--one-file-system", dir.toString());
    }
  }

  private static void quietly(String... cmd) {
    try {
      sh(cmd);
    } catch (IOException e) {
      // best effort in teardown: already gone
    }
  }
}
