package dev.trellis.e2e.routes;

import dev.trellis.e2e.Lab;
import dev.trellis.netlab.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code probe.py} from a device namespace to a {@link Site}'s echo server: a one-shot "who am I to
 * the server" ({@link #peerSeenBy}), or a TCP session of numbered echoes every 50 ms that
 * reconnects at once when the path breaks ({@link #start}), whose log says when traffic flowed.
 *
 * <p>Thread-safety: used from the test thread only.
 */
final class TcpProbe {
  private final Process process;
  private final Path log;

  private TcpProbe(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * The address the server at {@code ip} saw this namespace's connection come from, or null if no
   * connection succeeded within 2 s.
   */
  static String peerSeenBy(Lab lab, String ns, String ip) throws IOException {
    return peerSeenBy(lab, ns, ip, Site.PORT);
  }

  /** {@link #peerSeenBy(Lab, String, String)} on {@code port}. */
  static String peerSeenBy(Lab lab, String ns, String ip, int port) throws IOException {
    Command.Result r =
        lab.run(ns, List.of("python3", Site.script("probe.py"), ip, "" + port, "0"), 15);
    String out = r.out().strip();
    return r.code() == 0 && out.startsWith("peer ") ? out.substring(5) : null;
  }

  /**
   * Waits until {@link #peerSeenBy} from {@code ns} to {@code ip}:{@code port} says {@code
   * expected} (one-shot connections can miss on a loaded machine); returns the last answer.
   */
  static String awaitPeerSeenBy(
      Lab lab, String ns, String ip, int port, String expected, long timeoutMillis)
      throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    String seen = peerSeenBy(lab, ns, ip, port);
    while (!java.util.Objects.equals(seen, expected) && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
      seen = peerSeenBy(lab, ns, ip, port);
    }
    return seen;
  }

  /** Starts a session of {@code seconds} from {@code ns} to {@code ip}. */
  static TcpProbe start(Lab lab, String ns, String ip, int seconds) throws IOException {
    Path log = lab.dir.resolve("probe-" + ns + "-" + System.nanoTime() + ".log");
    Process p =
        lab.start(
            List.of(
                "ip",
                "netns",
                "exec",
                ns,
                "python3",
                Site.script("probe.py"),
                ip,
                "" + Site.PORT,
                "" + seconds),
            log);
    return new TcpProbe(p, log);
  }

  /** One line of the log: kind ("connected", "ok", "fail"), wall-clock millis, detail. */
  record Event(String kind, long millis, String detail) {}

  /** The events so far. */
  List<Event> events() throws IOException {
    List<Event> out = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      String[] f = line.strip().split(" ", 3);
      if (f.length >= 2 && f[1].matches("\\d+\\.\\d+")) {
        out.add(
            new Event(f[0], Math.round(Double.parseDouble(f[1]) * 1000), f.length > 2 ? f[2] : ""));
      }
    }
    return out;
  }

  /** The time of the first successful echo after {@code millis}, or -1. */
  long firstOkAfter(long millis) throws IOException {
    for (Event e : events()) {
      if (e.kind().equals("ok") && e.millis() > millis) {
        return e.millis();
      }
    }
    return -1;
  }

  /** The server-seen address of the last connection made before {@code millis}, or null. */
  String peerBefore(long millis) throws IOException {
    String peer = null;
    for (Event e : events()) {
      if (e.kind().equals("connected") && e.millis() <= millis) {
        peer = e.detail();
      }
    }
    return peer;
  }

  /**
   * Waits for the first successful echo on a connection made after {@code millis} that the server
   * saw come from {@code peer}; returns its time or -1. (An echo already on its way when a router
   * stops can still arrive through it; that is not traffic through the other one.)
   */
  long awaitOkVia(String peer, long millis, long timeoutMillis)
      throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      boolean via = false;
      for (Event e : events()) {
        if (e.kind().equals("connected")) {
          via = e.millis() > millis && e.detail().equals(peer);
        } else if (via && e.kind().equals("ok")) {
          return e.millis();
        }
      }
      Thread.sleep(50);
    }
    return -1;
  }

  /** Whether a connection made after {@code millis} went through {@code peer}. */
  boolean connectedViaAfter(String peer, long millis) throws IOException {
    for (Event e : events()) {
      if (e.kind().equals("connected") && e.millis() > millis && e.detail().equals(peer)) {
        return true;
      }
    }
    return false;
  }

  /** Waits for the first successful echo after {@code millis}; returns its time or -1. */
  long awaitOkAfter(long millis, long timeoutMillis) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      long t = firstOkAfter(millis);
      if (t > 0) {
        return t;
      }
      Thread.sleep(50);
    }
    return -1;
  }

  /** The log (for failure messages). */
  String log() throws IOException {
    return Files.readString(log);
  }

  void stop() {
    process.destroy();
  }
}
