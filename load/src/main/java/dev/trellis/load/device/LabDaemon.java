package dev.trellis.load.device;

import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.agent.localapi.AgentStatusCodec;
import dev.trellis.agent.localapi.ControlClient;
import dev.trellis.agent.localapi.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One {@code trellisd} in a namespace of a {@link DeviceLab}, with its own state directory, control
 * socket and log, started by a {@link DaemonLaunch}; joined and driven with the repository's {@code
 * bin/trellis}, polled over its control socket, measured through {@code /proc/PID}.
 *
 * <p>Thread-safety: used from the benchmark's main thread only.
 */
final class LabDaemon {
  final String ns;
  final String name;
  final Path socket;
  final Path log;
  final Process process;

  private LabDaemon(String ns, String name, Path socket, Path log, Process process) {
    this.ns = ns;
    this.name = name;
    this.socket = socket;
    this.log = log;
    this.process = process;
  }

  /** Starts a daemon named {@code name} in a new namespace of {@code lab}. */
  static LabDaemon start(DeviceLab lab, DaemonLaunch launch, String name)
      throws IOException, InterruptedException {
    String ns = lab.device();
    Path socket = lab.dir.resolve(name + ".sock");
    Path log = lab.dir.resolve(name + ".log");
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    cmd.addAll(launch.command());
    cmd.addAll(
        List.of(
            "--state-dir",
            lab.dir.resolve(name + "-state").toString(),
            "--socket",
            socket.toString(),
            "--tun",
            "tl0",
            "--port",
            "41641"));
    Process p = lab.start(cmd, launch.env(), log);
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!Files.exists(socket)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new IOException(name + ": trellisd did not come up:\n" + Files.readString(log));
      }
      Thread.sleep(50);
    }
    return new LabDaemon(ns, name, socket, log, p);
  }

  /** {@code bin/trellis up} with an auth key, as a user would run it. */
  void up(Path repo, String loginServer, String authKey) throws IOException {
    DeviceLab.in(
        ns,
        repo.resolve("bin/trellis").toString(),
        "--socket",
        socket.toString(),
        "up",
        "--login-server",
        loginServer,
        "--auth-key",
        authKey,
        "--hostname",
        name);
  }

  AgentStatus status() throws IOException {
    return AgentStatusCodec.decode(
        ControlClient.call(socket, new Request("status", Map.of()), line -> {}));
  }

  /** This device's 100.x address. */
  String ipv4() throws IOException {
    AgentStatus s = status();
    if (s.self() != null) {
      for (String a : s.self().addresses()) {
        if (a.startsWith("100.")) {
          return a.contains("/") ? a.substring(0, a.indexOf('/')) : a;
        }
      }
    }
    throw new IOException(name + " has no 100.x address (state " + s.state() + ")");
  }

  /** Waits up to {@code seconds} for {@code condition} on this device's status. */
  void await(String what, Predicate<AgentStatus> condition, int seconds)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    AgentStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = status();
        if (condition.test(last)) {
          return;
        }
      } catch (IOException e) {
        // restarting
      }
      Thread.sleep(100);
    }
    throw new IOException(name + ": no " + what + " in " + seconds + " s; last status " + last);
  }

  /** The process's resident set size and its peak, in KiB, from /proc/PID/status. */
  long[] rssKib() throws IOException {
    long rss = -1;
    long hwm = -1;
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = kib(line);
      } else if (line.startsWith("VmHWM:")) {
        hwm = kib(line);
      }
    }
    return new long[] {rss, hwm};
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", ""));
  }

  void stop() {
    DeviceLab.stop(process);
  }
}
