package dev.trellis.e2e.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.e2e.Lab;
import dev.trellis.netlab.Command;
import java.util.List;

/**
 * iperf3 TCP between two namespaces for {@code -Dtrellis.routes.tcp.seconds} (1 by default; the
 * routing benchmark runs longer): a one-off server in one namespace, the client in the other.
 *
 * <p>Thread-safety: stateless.
 */
final class Iperf {
  private Iperf() {}

  /**
   * Runs the client in {@code clientNs} against a server started in {@code serverNs} on {@code ip};
   * returns the receiver's bit rate in Gbit/s and prints the line as a figure named {@code what}.
   */
  static double gbits(Lab lab, String what, String clientNs, String serverNs, String ip)
      throws Exception {
    int port = 5301;
    lab.start(
        List.of("ip", "netns", "exec", serverNs, "iperf3", "-s", "-1", "-p", "" + port),
        lab.dir.resolve("iperf-" + serverNs + "-" + System.nanoTime() + ".log"));
    int secs = Integer.getInteger("trellis.routes.tcp.seconds", 1);
    Command.Result r = null;
    for (int i = 0; i < 20; i++) {
      r =
          lab.run(
              clientNs,
              List.of("iperf3", "-c", ip, "-p", "" + port, "-t", "" + secs, "-f", "g"),
              30 + 2 * secs);
      if (r.code() == 0) {
        break;
      }
      Thread.sleep(200);
    }
    assertEquals(0, r.code(), what + ": " + r.out());
    String line =
        r.out().lines().filter(l -> l.contains("receiver")).findFirst().orElse("").strip();
    System.out.println("FIGURE " + what + " " + line);
    String[] f = line.split("\\s+");
    for (int i = 1; i < f.length; i++) {
      if (f[i].equals("Gbits/sec")) {
        return Double.parseDouble(f[i - 1]);
      }
    }
    return 0;
  }
}
