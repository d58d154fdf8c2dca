package dev.trellis.agent.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TCP transfer through the tunnel whose both ends hash what they sent and received (SHA-256), run
 * as small python3 programs inside the namespaces, so a corrupted, lost or reordered byte shows as
 * a checksum mismatch.
 *
 * <p>Thread-safety: used from the test thread only.
 */
final class TcpTransfer {
  private static final String RECEIVER =
      """
      import socket, hashlib, sys
      host, port = sys.argv[1], int(sys.argv[2])
      fam = socket.AF_INET6 if ':' in host else socket.AF_INET
      s = socket.socket(fam, socket.SOCK_STREAM)
      s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
      s.bind((host, port)); s.listen(1)
      print('ready', flush=True)
      c, _ = s.accept()
      h = hashlib.sha256(); n = 0
      while True:
          b = c.recv(1 << 20)
          if not b:
              break
          h.update(b); n += len(b)
      print(n, h.hexdigest(), flush=True)
      """;
  private static final String SENDER =
      """
      import socket, hashlib, os, sys, time
      host, port, size, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
      c = socket.create_connection((host, port), timeout=30)
      h = hashlib.sha256(); n = 0; start = time.time()
      while n < size or time.time() - start < secs:
          b = os.urandom(1 << 16)
          c.sendall(b); h.update(b); n += len(b)
      c.shutdown(socket.SHUT_WR)
      c.recv(1)
      c.close()
      print(n, h.hexdigest(), '%.3f' % (time.time() - start), flush=True)
      """;

  /** What one end saw: bytes and their SHA-256; {@code seconds} only for the sender. */
  record Result(long bytes, String sha256, double seconds) {}

  private TcpTransfer() {}

  /**
   * Sends at least {@code size} bytes and for at least {@code seconds} from {@code fromNs} to
   * {@code toHost:port} in {@code toNs}; returns {sender, receiver} results.
   */
  static Result[] run(
      NetnsLab lab, String fromNs, String toNs, String toHost, long size, double seconds)
      throws IOException, InterruptedException {
    Path rx = lab.dir.resolve("rx.py");
    Path tx = lab.dir.resolve("tx.py");
    Files.writeString(rx, RECEIVER);
    Files.writeString(tx, SENDER);
    int port = 20000 + (int) (Math.random() * 20000);
    Process receiver =
        new ProcessBuilder("ip", "netns", "exec", toNs, "python3", rx.toString(), toHost, "" + port)
            .redirectError(lab.dir.resolve("rx.err").toFile())
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8));
      String ready = out.readLine();
      if (!"ready".equals(ready)) {
        throw new IOException("receiver failed: " + Files.readString(lab.dir.resolve("rx.err")));
      }
      String sent =
          lab.exec(fromNs, "python3", tx.toString(), toHost, "" + port, "" + size, "" + seconds)
              .strip();
      String got = out.readLine();
      if (!receiver.waitFor(30, TimeUnit.SECONDS) || got == null) {
        throw new IOException("receiver did not finish: " + got);
      }
      return new Result[] {parse(sent), parse(got)};
    } finally {
      receiver.destroyForcibly();
    }
  }

  private static Result parse(String line) {
    List<String> f = List.of(line.strip().split("\\s+"));
    return new Result(
        Long.parseLong(f.get(0)), f.get(1), f.size() > 2 ? Double.parseDouble(f.get(2)) : 0);
  }
}
