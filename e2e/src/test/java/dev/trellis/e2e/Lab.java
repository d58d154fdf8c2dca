package dev.trellis.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A LAN: a bridge in its own hub namespace, the root namespace on it through a veth (the server's
 * side, {@code 10.N.M.1/24}) and any number of device namespaces plugged into it by veth pairs
 * ({@code .11}, {@code .12}, ...), plus the processes started in them through the repository's
 * {@code bin/} launchers. Every name carries a random suffix; {@link #close()} stops the processes
 * it started (by PID) and deletes what it created (the working directory with the logs too, unless
 * {@code -Dtrellis.e2e.keep=true}).
 *
 * <p>The bridge lives in a namespace of its own so that device-to-device frames are not subject to
 * the root namespace's firewall: with br_netfilter loaded, bridged frames pass the root's iptables
 * FORWARD chain, whose policy is DROP once Docker has been installed on the machine.
 *
 * <p>Thread-safety: used from the test thread only.
 */
public final class Lab implements AutoCloseable {
  /** The repository root (surefire runs in the module directory). */
  public static final Path REPO =
      Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();

  public final String tag = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
  final String bridge = "tbr" + tag; // the root namespace's veth onto the hub bridge
  final String hub = "tb" + tag;
  final String prefix =
      "10."
          + (100 + ThreadLocalRandom.current().nextInt(100))
          + "."
          + ThreadLocalRandom.current().nextInt(250)
          + ".";
  public final String hostIp = prefix + "1";
  public final Path dir;
  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  /** Skips the calling test unless it runs as root with the tools it needs. */
  public static void requireRoot() {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "end-to-end tests need root (network namespaces, TUN)");
    assumeTrue(Files.exists(Path.of("/dev/net/tun")), "end-to-end tests need /dev/net/tun");
  }

  public Lab() throws IOException {
    dir = Files.createTempDirectory("trellis-e2e");
    try {
      sh("ip", "netns", "add", hub);
      sh("ip", "-n", hub, "link", "add", "br0", "type", "bridge");
      sh("ip", "-n", hub, "link", "set", "br0", "up");
      sh("ip", "link", "add", bridge, "type", "veth", "peer", "name", "up0", "netns", hub);
      sh("ip", "-n", hub, "link", "set", "up0", "master", "br0");
      sh("ip", "-n", hub, "link", "set", "up0", "up");
      sh("ip", "addr", "add", hostIp + "/24", "dev", bridge);
      sh("ip", "link", "set", bridge, "up");
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** A device namespace on the bridge; returns its name. Its address is {@code prefix + (10+n)}. */
  public String device() throws IOException {
    int n = namespaces.size() + 1;
    String ns = "te" + n + tag;
    String host = "th" + n + tag;
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

  /** The bridge address of a namespace made by {@link #device()}. */
  public String ipOf(String deviceNs) {
    int i = namespaces.indexOf(deviceNs);
    if (i < 0 || !deviceNs.startsWith("te")) {
      throw new IllegalArgumentException("not a device namespace of this lab: " + deviceNs);
    }
    return prefix + (11 + i);
  }

  /**
   * A new empty namespace (only {@code lo} up), named {@code base + n + tag} and deleted on close
   * like the others; for topologies the caller wires itself (e.g. a LAN behind a NAT router).
   */
  public String namespace(String base) throws IOException {
    String ns = base + (namespaces.size() + 1) + tag;
    sh("ip", "netns", "add", ns);
    namespaces.add(ns);
    sh("ip", "-n", ns, "link", "set", "lo", "up");
    return ns;
  }

  /** Starts a background process (tracked, stopped on close); output goes to {@code log}. */
  public Process start(List<String> cmd, Path log) throws IOException {
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
    b.redirectOutput(log.toFile());
    b.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = b.start();
    processes.add(p);
    return p;
  }

  /** Runs {@code cmd} in {@code ns} and returns exit code and output (never throws on exit). */
  public Result run(String ns, List<String> cmd, int timeoutSeconds) throws IOException {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    all.addAll(cmd);
    return exec(all, timeoutSeconds);
  }

  /** A bin/ launcher's path. */
  public static String bin(String name) {
    return REPO.resolve("bin").resolve(name).toString();
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The outcome of a finished command. */
  public record Result(int code, String out) {
    public Result requireOk(String what) {
      if (code != 0) {
        throw new AssertionError(what + " failed with exit " + code + ":\n" + out);
      }
      return this;
    }
  }

  public static Result exec(List<String> cmd, int timeoutSeconds) throws IOException {
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
    b.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process p = b.start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out: " + String.join(" ", cmd));
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  public static String sh(String... cmd) throws IOException {
    Result r = exec(List.of(cmd), 60);
    if (r.code() != 0) {
      throw new IOException(String.join(" ", cmd) + ": exit " + r.code() + ": " + r.out());
    }
    return r.out();
  }

  @Override
  public void close() {
    for (Process p : processes.reversed()) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    for (String ns : namespaces) {
      quietly("ip", "netns", "del", ns);
    }
    quietly("ip", "netns", "del", hub);
    quietly("ip", "link", "del", bridge);
    if (!Boolean.getBoolean("trellis.e2e.keep")) {
      quietly("rm", "-rf", "--one-file-system", dir.toString());
    }
  }

  private static void quietly(String... cmd) {
    try {
      exec(List.of(cmd), 30);
    } catch (IOException e) {
      // best effort in teardown
    }
  }
}
