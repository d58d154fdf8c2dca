package dev.trellis.agent.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trellis.agent.localapi.ControlClient;
import dev.trellis.agent.localapi.InterfaceStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two network namespaces joined by a veth pair (192.168.N.1 and .2), with helpers to run a Trellis
 * agent or wireguard-go in either and commands inside them. Every name carries a random suffix;
 * {@link #close()} kills the processes it started (by PID) and deletes the namespaces.
 *
 * <p>Thread-safety: used from the test thread only.
 */
final class NetnsLab implements AutoCloseable {
  final String tag = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
  final String nsA = "h2a" + tag;
  final String nsB = "h2b" + tag;
  final int net = 20 + ThreadLocalRandom.current().nextInt(200);
  final String underlayA = "192.168." + net + ".1";
  final String underlayB = "192.168." + net + ".2";
  final Path dir;
  private final List<Process> processes = new ArrayList<>();

  /** Skips the calling test unless it runs as root with the tools it needs. */
  static void requireTools(String... tools) {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "interop tests need root (network namespaces, TUN)");
    for (String t : tools) {
      assumeTrue(onPath(t), "interop tests need '" + t + "' on the PATH");
    }
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  NetnsLab() throws IOException {
    dir = Files.createTempDirectory("h2lab");
    try {
      sh("ip", "netns", "add", nsA);
      sh("ip", "netns", "add", nsB);
      sh(
          "ip",
          "link",
          "add",
          "va" + tag,
          "netns",
          nsA,
          "type",
          "veth",
          "peer",
          "name",
          "vb" + tag,
          "netns",
          nsB);
      sh("ip", "-n", nsA, "addr", "add", underlayA + "/24", "dev", "va" + tag);
      sh("ip", "-n", nsB, "addr", "add", underlayB + "/24", "dev", "vb" + tag);
      for (String ns : List.of(nsA, nsB)) {
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        sh("ip", "-n", ns, "link", "set", ns.equals(nsA) ? "va" + tag : "vb" + tag, "up");
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * The start of a command that runs a Java main class in {@code ns} from the test's own class
   * path, with a small heap and quick start-up (for daemons, the CLI and forwarders); add the class
   * and its arguments.
   */
  static List<String> java(String ns) {
    return java(ns, "-XX:TieredStopAtLevel=1", "-Xmx128m");
  }

  private static List<String> java(String ns, String... jvmOptions) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
    cmd.addAll(List.of(jvmOptions));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    return cmd;
  }

  /** Starts a Trellis agent in {@code ns} from the test's own classpath; returns its socket. */
  Path startTrellis(String ns, String tun, String config, String... extra) throws IOException {
    Path conf = dir.resolve(tun + ".conf");
    Files.writeString(conf, config);
    Path sock = dir.resolve(tun + ".sock");
    List<String> cmd = java(ns, "-Xmx256m");
    cmd.addAll(
        List.of(
            "dev.trellis.agent.cli.AgentMain",
            "trellisd",
            "wg",
            "--config",
            conf.toString(),
            "--tun",
            tun,
            "--socket",
            sock.toString()));
    cmd.addAll(List.of(extra));
    Process p = start(cmd, dir.resolve(tun + ".log"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.exists(sock)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new IOException("trellisd did not come up: " + log(tun));
      }
      sleep(50);
    }
    return sock;
  }

  /**
   * Starts wireguard-go in {@code ns} as interface {@code tun}, configured with {@code wg setconf}
   * from {@code config} (a wg(8) config without wg-quick keys) and the given addresses.
   */
  void startWireguardGo(String ns, String tun, String config, String... addresses)
      throws IOException {
    Process p =
        start(
            List.of("ip", "netns", "exec", ns, "wireguard-go", "-f", tun),
            dir.resolve(tun + ".log"));
    Path uapi = Path.of("/var/run/wireguard", tun + ".sock");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(uapi)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new IOException("wireguard-go did not come up: " + log(tun));
      }
      sleep(20);
    }
    Path conf = dir.resolve(tun + ".conf");
    Files.writeString(conf, config);
    sh("ip", "netns", "exec", ns, "wg", "setconf", tun, conf.toString());
    for (String a : addresses) {
      sh("ip", "-n", ns, "addr", "add", a, "dev", tun);
    }
    sh("ip", "-n", ns, "link", "set", tun, "mtu", "1420", "up");
  }

  /** Runs a command in a namespace and returns its output; fails on a non-zero exit. */
  String exec(String ns, String... cmd) throws IOException {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    all.addAll(List.of(cmd));
    return sh(all.toArray(String[]::new));
  }

  /** Whether a command in a namespace exits with 0. */
  boolean succeeds(String ns, String... cmd) {
    try {
      exec(ns, cmd);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Starts a background process (tracked, killed on close); output goes to {@code log}. */
  Process start(List<String> cmd, Path log) throws IOException {
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.add(p);
    return p;
  }

  /** The processes started so far, in order. */
  List<Process> processes() {
    return List.copyOf(processes);
  }

  InterfaceStatus status(Path socket) throws IOException {
    return ControlClient.get(socket);
  }

  String log(String name) {
    try {
      return Files.readString(dir.resolve(name + ".log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

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
      throw new IOException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy(); // SIGTERM to that PID: trellisd's shutdown hook removes its TUN device
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(2, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (String ns : List.of(nsA, nsB)) {
      try {
        sh("ip", "netns", "del", ns);
      } catch (IOException e) {
        // already gone
      }
    }
  }
}
