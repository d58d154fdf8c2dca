package dev.trellis.e2e.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.e2e.AgentUnderTest;
import dev.trellis.e2e.Lab;
import dev.trellis.netlab.Command;
import java.util.List;

/**
 * TCP across the tunnel between two devices: iperf3 from one to the other for one second (or {@code
 * -Dtrellis.nat.tcp.seconds=N}, which the relay-path benchmark {@code load/bench-relay-path} uses),
 * with the receiver's line printed as a figure.
 *
 * <p>Thread-safety: stateless.
 */
final class Tcp {
  private Tcp() {}

  /**
   * Runs iperf3 -t 1 from {@code client} (in its namespace) to {@code server}; fails unless it
   * completes.
   */
  static String assertFlows(
      Lab lab, AgentUnderTest client, String clientNs, AgentUnderTest server, String serverNs)
      throws Exception {
    String ip = server.ipv4();
    lab.start(
        List.of("ip", "netns", "exec", serverNs, "iperf3", "-s", "-1", "-B", ip),
        lab.dir.resolve("iperf-" + server.name + "-" + System.nanoTime() + ".log"));
    int secs = Integer.getInteger("trellis.nat.tcp.seconds", 1);
    String seconds = Integer.toString(secs);
    Command.Result r = null;
    for (int i = 0; i < 20; i++) {
      r = lab.run(clientNs, List.of("iperf3", "-c", ip, "-t", seconds), 30 + 2 * secs);
      if (r.code() == 0) {
        break;
      }
      Thread.sleep(200);
    }
    assertEquals(0, r.code(), "TCP over the tunnel: " + r.out());
    String line =
        r.out().lines().filter(l -> l.contains("receiver")).findFirst().orElse("").strip();
    System.out.println("FIGURE tcp " + client.name + "->" + server.name + " " + line);
    r.out()
        .lines()
        .filter(l -> l.contains("sender"))
        .findFirst()
        .ifPresent(l -> System.out.println("FIGURE tcp-sender " + l.strip()));
    return line;
  }

  /** A TCP session running in the background (iperf3 for a given time), checked at its end. */
  static final class Session implements AutoCloseable {
    private final Process client;
    private final java.nio.file.Path log;

    private Session(Process client, java.nio.file.Path log) {
      this.client = client;
      this.log = log;
    }

    /**
     * Waits up to {@code seconds} for the session to end; fails unless it ended well (the one TCP
     * connection carried data from start to end). Returns the receiver's line.
     */
    String awaitEnd(int seconds) throws Exception {
      boolean ended = client.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS);
      String out = java.nio.file.Files.readString(log);
      assertEquals(true, ended, "the TCP session did not end in time:\n" + out);
      assertEquals(0, client.exitValue(), "the TCP session failed:\n" + out);
      String line = out.lines().filter(l -> l.contains("receiver")).findFirst().orElse("").strip();
      assertEquals(false, line.isEmpty(), "no receiver summary:\n" + out);
      return line;
    }

    @Override
    public void close() {
      client.destroy();
    }
  }

  /**
   * Starts one TCP session of {@code seconds} from {@code client} to {@code server} (iperf3, one
   * stream, a report every second) in the background, once a first short run shows the tunnel up.
   */
  static Session session(
      Lab lab,
      AgentUnderTest client,
      String clientNs,
      AgentUnderTest server,
      String serverNs,
      int seconds)
      throws Exception {
    assertFlows(lab, client, clientNs, server, serverNs);
    String ip = server.ipv4();
    lab.start(
        List.of("ip", "netns", "exec", serverNs, "iperf3", "-s", "-1", "-B", ip),
        lab.dir.resolve("iperf-" + server.name + "-" + System.nanoTime() + ".log"));
    Thread.sleep(500);
    java.nio.file.Path log =
        lab.dir.resolve("iperf-client-" + client.name + "-" + System.nanoTime() + ".log");
    Process p =
        lab.start(
            List.of(
                "ip",
                "netns",
                "exec",
                clientNs,
                "iperf3",
                "-c",
                ip,
                "-t",
                Integer.toString(seconds),
                "-i",
                "1"),
            log);
    return new Session(p, log);
  }
}
