package dev.trellis.e2e;

import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.agent.localapi.AgentStatusCodec;
import dev.trellis.agent.localapi.ControlClient;
import dev.trellis.agent.localapi.NodeView;
import dev.trellis.agent.localapi.Request;
import dev.trellis.netlab.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One device: {@code bin/trellisd} running in its own network namespace with its own state
 * directory and control socket, driven with {@code bin/trellis} exactly as a user would; status is
 * polled over the control socket directly (no JVM start per poll) so that propagation times are
 * measured, not launcher start-up.
 *
 * <p>Thread-safety: used from the test thread only.
 */
public final class AgentUnderTest {
  final Lab lab;
  final String ns;
  public final String name;
  final Path stateDir;
  final Path socket;
  final Path log;
  Process process;

  private AgentUnderTest(Lab lab, String ns, String name) {
    this.lab = lab;
    this.ns = ns;
    this.name = name;
    this.stateDir = lab.dir.resolve(name + "-state");
    this.socket = lab.dir.resolve(name + ".sock");
    this.log = lab.dir.resolve(name + ".log");
  }

  /** Starts {@code trellisd} in {@code ns} and waits for its control socket. */
  public static AgentUnderTest start(Lab lab, String ns, String name)
      throws IOException, InterruptedException {
    AgentUnderTest a = new AgentUnderTest(lab, ns, name);
    a.launch();
    return a;
  }

  void launch() throws IOException, InterruptedException {
    Files.deleteIfExists(socket);
    process =
        lab.start(
            List.of(
                "ip",
                "netns",
                "exec",
                ns,
                Lab.bin("trellisd"),
                "--state-dir",
                stateDir.toString(),
                "--socket",
                socket.toString(),
                "--tun",
                "tl0",
                "--port",
                "41641"),
            log);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(socket)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(name + ": trellisd did not come up:\n" + log());
      }
      Thread.sleep(50);
    }
  }

  /** The network namespace the daemon runs in. */
  public String ns() {
    return ns;
  }

  /** Starts the daemon again after {@link #kill()} (same state directory, so same node). */
  public void restart() throws IOException, InterruptedException {
    launch();
  }

  /**
   * SIGSTOP, like a host that froze or fell off the network: the process and its sockets stay,
   * nothing answers. {@link #thaw} lets it run on.
   */
  public void freeze() throws IOException {
    signal("STOP");
  }

  /** SIGCONT after {@link #freeze}. */
  public void thaw() throws IOException {
    signal("CONT");
  }

  /** SIGTERM, an orderly stop (the daemon undoes what it set up); waits up to 30 s for the exit. */
  public void stop() throws IOException, InterruptedException {
    signal("TERM");
    if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      kill();
    }
  }

  private void signal(String name) throws IOException {
    List<String> pids = new ArrayList<>(List.of(Long.toString(process.pid())));
    process.descendants().forEach(p -> pids.add(Long.toString(p.pid())));
    List<String> cmd = new ArrayList<>(List.of("kill", "-" + name));
    cmd.addAll(pids);
    Command.check(cmd.toArray(String[]::new));
  }

  /** SIGKILL, like a crash or power loss (no logout, no goodbye). */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** {@code trellis up --login-server URL --auth-key K --hostname NAME [extra...]}. */
  public Command.Result up(String loginServer, String authKey, String... extra) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("up", "--login-server", loginServer));
    if (authKey != null) {
      cmd.addAll(List.of("--auth-key", authKey));
    }
    cmd.addAll(List.of("--hostname", name));
    cmd.addAll(List.of(extra));
    return trellis(cmd.toArray(String[]::new));
  }

  /**
   * Starts {@code trellis up} without a key in the background (it prints a login URL and waits for
   * a person to approve it); its output goes to {@code log}.
   */
  public Process upInteractively(String loginServer, Path log) throws IOException {
    return lab.start(
        List.of(
            "ip",
            "netns",
            "exec",
            ns,
            Lab.bin("trellis"),
            "--socket",
            socket.toString(),
            "up",
            "--login-server",
            loginServer,
            "--hostname",
            name),
        log);
  }

  /** Runs {@code bin/trellis --socket S ARGS} in the namespace. */
  public Command.Result trellis(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Lab.bin("trellis"), "--socket", socket.toString()));
    cmd.addAll(List.of(args));
    return lab.run(ns, cmd, 120);
  }

  public AgentStatus status() throws IOException {
    return AgentStatusCodec.decode(
        ControlClient.call(socket, new Request("status", Map.of()), line -> {}));
  }

  /** This device's 100.x address. */
  public String ipv4() throws IOException {
    for (String a : status().self().addresses()) {
      if (a.startsWith("100.")) {
        return a.contains("/") ? a.substring(0, a.indexOf('/')) : a;
      }
    }
    throw new IllegalStateException(name + " has no 100.x address: " + status());
  }

  /** The peer named like {@code other}'s hostname, if this device sees it. */
  NodeView peer(AgentUnderTest other) throws IOException {
    for (NodeView p : status().peers()) {
      if (p.name().equals(other.name) || p.name().startsWith(other.name + ".")) {
        return p;
      }
    }
    return null;
  }

  /** Waits until {@code condition} holds for this device's status; returns the elapsed millis. */
  public long await(String what, Predicate<AgentStatus> condition, long timeoutMillis)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeoutMillis * 1_000_000L;
    AgentStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = status();
        if (condition.test(last)) {
          return (System.nanoTime() - start) / 1_000_000L;
        }
      } catch (IOException e) {
        // the daemon may be restarting
      }
      Thread.sleep(20);
    }
    throw new AssertionError(
        name + ": timed out waiting for " + what + "; last status " + last + "\n" + log());
  }

  /** Whether one ping from this device to {@code ip} gets an answer within a second. */
  public boolean ping(String ip) throws IOException {
    return lab.run(ns, List.of("ping", "-c", "1", "-W", "1", ip), 10).code() == 0;
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
