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
}
