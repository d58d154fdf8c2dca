package dev.trellis.relay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Connections to a relay's TLS port that never get anywhere are closed within the configured bounds
 * (short ones here; a real relay with TLS, real sockets): one that never starts TLS, one that
 * completes TLS and then never speaks, one that trickles its upgrade request, and more than the
 * limit from one address.
 */
class RelayConnectionLimitsTest {
  private static final long HANDSHAKE_MS = 700;
  private static final long HEADER_MS = 700;
  private static final long SLACK_MS = 2_500;
  static RelayCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster =
        new RelayCluster(
            1,
            "--handshake-timeout",
            HANDSHAKE_MS + "ms",
            "--http-header-timeout",
            HEADER_MS + "ms",
            "--max-connections-per-source",
            "3");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static int port() {
    return cluster.relay(0).relayPort();
  }

  private static SSLSocket tls() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(
        null,
        new TrustManager[] {
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] c, String a) {}

            @Override
            public void checkServerTrusted(X509Certificate[] c, String a) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          }
        },
        null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port());
    s.setSoTimeout((int) (HEADER_MS + SLACK_MS + 5_000));
    s.startHandshake();
    return s;
  }

  /** Reads until the server closes; how long after {@code since} that was, in ms. */
  private static long closedAfter(Socket s, long since) throws IOException {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[1024];
    try {
      while (in.read(buf) >= 0) {
        // anything the server says, then the close
      }
    } catch (SocketException | javax.net.ssl.SSLException e) {
      // reset: closed too
    }
    return (System.nanoTime() - since) / 1_000_000;
  }

  private static void assertWithin(long took, long bound, String what) {
    assertTrue(
        took >= bound - 100 && took < bound + SLACK_MS,
        what + ": closed after " + took + " ms, bound " + bound + " ms");
  }

  @Test
  void aConnectionThatNeverStartsTlsIsClosedAtTheHandshakeTimeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port())) {
      s.setSoTimeout((int) (HANDSHAKE_MS + SLACK_MS + 5_000));
      assertWithin(closedAfter(s, System.nanoTime()), HANDSHAKE_MS, "no TLS");
    }
  }

  @Test
  void aTlsConnectionThatNeverSpeaksIsClosedAtTheHeaderTimeout() throws Exception {
    try (SSLSocket s = tls()) {
      assertWithin(closedAfter(s, System.nanoTime()), HEADER_MS, "silent TLS");
    }
  }

  @Test
  void aTrickledUpgradeRequestIsClosedAtTheHeaderTimeout() throws Exception {
    try (SSLSocket s = tls()) {
      long since = System.nanoTime();
      var out = s.getOutputStream();
      Thread trickle =
          Thread.ofVirtual()
              .start(
                  () -> {
                    byte[] req =
                        "GET /relay/v1 HTTP/1.1\r\nHost: relay\r\nUpgrade: trellis-relay\r\nX: "
                            .getBytes(StandardCharsets.US_ASCII);
                    try {
                      for (int i = 0; ; i++) {
                        out.write(req[Math.min(i, req.length - 1)]);
                        out.flush();
                        Thread.sleep(50);
                      }
                    } catch (IOException | InterruptedException e) {
                      // closed
                    }
                  });
      assertWithin(closedAfter(s, since), HEADER_MS, "trickled upgrade");
      trickle.interrupt();
    }
  }

  @Test
  void connectionsBeyondTheLimitPerSourceAreClosedAtOnce() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        held.add(tls());
      }
      try (SSLSocket extra = tls()) {
        long took = closedAfter(extra, System.nanoTime());
        assertTrue(took < HEADER_MS, "the extra connection lived " + took + " ms");
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    String metrics = cluster.cluster.instance(0).metrics().scrape();
    assertTrue(
        metrics.contains(
            "trellis_connections_refused_total{listener=\"relay\",reason=\"per_source_limit\""),
        metrics.lines().filter(l -> l.startsWith("trellis_connections")).toList().toString());
  }
}
