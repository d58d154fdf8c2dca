package dev.trellis.agent.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.trellis.agent.localapi.ControlClient;
import dev.trellis.agent.localapi.InterfaceStatus;
import dev.trellis.netlab.NetLab;
import dev.trellis.netlab.Prerequisites;
import dev.trellis.netlab.VethPair;
import dev.trellis.netlab.WireguardGo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The interop tests' lab: a {@link VethPair} of the network lab (two namespaces on one wire,
 * 192.168.N.1 and .2) and how to run a Trellis agent or wireguard-go in either. The {@link NetLab}
 * underneath names everything with a random tag and, on {@link #close()}, stops the processes it
 * started by PID and deletes the namespaces it created.
 *
 * <p>Thread-safety: used from the test thread only.
 */
final class NetnsLab implements AutoCloseable {
  final NetLab lab;
  final String tag;
  final String nsA;
  final String nsB;
  final int net;
  final String underlayA;
  final String underlayB;
  final Path dir;

  /** Skips the calling test unless it runs as root with the tools it needs. */
  static void requireTools(String... tools) {
    assumeTrue(Prerequisites.root(), "interop tests need root (network namespaces, TUN)");
    Optional<String> missing = Prerequisites.missingTool(tools);
    assumeTrue(missing.isEmpty(), () -> "interop tests need '" + missing.get() + "' on the PATH");
  }

  NetnsLab() throws IOException {
    lab = NetLab.create("h2lab");
    try {
      VethPair pair = VethPair.create(lab, "h2a", "h2b");
      tag = lab.tag();
      nsA = pair.nsA();
      nsB = pair.nsB();
      net = pair.net();
      underlayA = pair.underlayA();
      underlayB = pair.underlayB();
      dir = lab.dir();
    } catch (IOException | RuntimeException e) {
      lab.close();
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
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
    cmd.addAll(List.of(jvmOptions));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
    return NetLab.in(ns, cmd);
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
    lab.awaitFile(sock, p, Duration.ofSeconds(20), "trellisd", tun);
    return sock;
  }

  /**
   * Starts wireguard-go in {@code ns} as interface {@code tun}, configured with {@code wg setconf}
   * from {@code config} (a wg(8) config without wg-quick keys) and the given addresses.
   */
  void startWireguardGo(String ns, String tun, String config, String... addresses)
      throws IOException {
    WireguardGo.start(lab, ns, tun, config, addresses);
  }

  /** Runs a command in a namespace and returns its output; fails on a non-zero exit. */
  String exec(String ns, String... cmd) throws IOException {
    return lab.exec(ns, cmd);
  }

  /** Whether a command in a namespace exits with 0. */
  boolean succeeds(String ns, String... cmd) {
    return lab.succeeds(ns, cmd);
  }

  /** Starts a background process (tracked, stopped on close); output goes to {@code log}. */
  Process start(List<String> cmd, Path log) throws IOException {
    return lab.start(cmd, log);
  }

  /** The processes started so far, in order. */
  List<Process> processes() {
    return lab.processes();
  }

  InterfaceStatus status(Path socket) throws IOException {
    return ControlClient.get(socket);
  }

  String log(String name) {
    return lab.log(name);
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
    lab.close(); // SIGTERM by PID first: trellisd's shutdown hook removes its TUN device
  }
}
