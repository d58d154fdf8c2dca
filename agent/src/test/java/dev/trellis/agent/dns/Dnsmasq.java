package dev.trellis.agent.dns;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real upstream resolver for tests: Debian's dnsmasq in the foreground on a loopback port,
 * serving only the records it is given (no /etc/hosts, no resolv.conf), logging every query it
 * receives to a file. Stopped by its PID on close.
 */
final class Dnsmasq implements AutoCloseable {
  final int port;
  final Path log;
  private final Process process;

  private Dnsmasq(int port, Path log, Process process) {
    this.port = port;
    this.log = log;
    this.process = process;
  }

  /** Skips the calling test unless the DNS tools are installed (.ci/run installs them). */
  static void require() {
    assumeTrue(onPath("dnsmasq"), "needs dnsmasq (Debian dnsmasq-base)");
    assumeTrue(onPath("dig"), "needs dig (Debian bind9-dnsutils)");
  }

  static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool));
  }

  /** Starts dnsmasq on 127.0.0.1 with the extra options {@code args} (records, servers). */
  static Dnsmasq start(Path dir, String... args) throws IOException, InterruptedException {
    int port = freePort();
    Path log = Files.createTempFile(dir, "dnsmasq", ".log");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Files.isExecutable(Path.of("/usr/sbin/dnsmasq")) ? "/usr/sbin/dnsmasq" : "dnsmasq",
                "--keep-in-foreground",
                "--conf-file=/dev/null",
                "--no-resolv",
                "--no-hosts",
                "--bind-interfaces",
                "--listen-address=127.0.0.1",
                "--port=" + port,
                "--user=root",
                "--pid-file=",
                "--log-queries",
                "--log-facility=" + log));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Dnsmasq d = new Dnsmasq(port, log, p);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!Files.readString(log).contains("started")) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        String out = new String(p.getInputStream().readNBytes(4096));
        d.close();
        throw new IOException("dnsmasq did not start: " + out + Files.readString(log));
      }
      Thread.sleep(20);
    }
    return d;
  }

  /** The queries dnsmasq logged for {@code name}. */
  long queriesFor(String name) throws IOException {
    return Files.readAllLines(log).stream()
        .filter(l -> l.contains("query[") && l.contains(" " + name + " "))
        .count();
  }

  static int freePort() throws IOException {
    for (int i = 0; i < 50; i++) {
      try (DatagramSocket u = new DatagramSocket(0, InetAddress.getLoopbackAddress());
          ServerSocket t =
              new ServerSocket(u.getLocalPort(), 5, InetAddress.getLoopbackAddress())) {
        return u.getLocalPort();
      } catch (IOException e) {
        // the TCP side was taken; try another
      }
    }
    throw new IOException("no free port for UDP and TCP");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
