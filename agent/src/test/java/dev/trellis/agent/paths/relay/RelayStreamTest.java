package dev.trellis.agent.paths.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.control.v1.RelayNode;
import dev.trellis.testkit.tls.TestKeyStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay stream against a real TLS server (the JDK's, with a key made by the JDK's keytool):
 * megabytes cross intact both ways in records split across reads, the pin is enforced, a stalled
 * handshake times out, the end of the stream is an orderly -1, and plain TCP works the same.
 */
class RelayStreamTest {
  private static final String NAME = "relay.test";

  @TempDir static Path dir;
  private static SSLContext serverTls;
  private static String pin;

  @BeforeAll
  static void certificate() throws Exception {
    TestKeyStore key = TestKeyStore.generate(dir, "relay", NAME, "dns:" + NAME);
    pin = RelayTls.pinOf(key.certificate());
    serverTls = key.serverContext();
  }

  private static RelayNode node(String nodePin) {
    return RelayNode.newBuilder()
        .setName("r1")
        .setHostname(NAME)
        .setIpv4("127.0.0.1")
        .setTlsSpkiSha256(nodePin)
        .build();
  }

  /** A server that echoes everything back on each connection, then closes its side. */
  private static ServerSocket echo(boolean tls) throws IOException {
    ServerSocket s =
        tls
            ? (SSLServerSocket) serverTls.getServerSocketFactory().createServerSocket()
            : new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              while (!s.isClosed()) {
                try {
                  Socket c = s.accept();
                  Thread.ofPlatform().daemon().start(() -> echoOne(c));
                } catch (IOException e) {
                  return;
                }
              }
            });
    return s;
  }

  private static void echoOne(Socket c) {
    try (c) {
      InputStream in = c.getInputStream();
      OutputStream out = c.getOutputStream();
      byte[] buf = new byte[20_000];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        if (n == 3 && buf[0] == 'E' && buf[1] == 'N' && buf[2] == 'D') {
          return; // closes, with close_notify over TLS
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static RelayStream connect(ServerSocket s, String nodePin) throws IOException {
    Socket raw = new Socket();
    raw.connect(s.getLocalSocketAddress(), 3000);
    raw.setSoTimeout(3000);
    try {
      return RelayStream.open(raw, node(nodePin), "127.0.0.1");
    } catch (IOException e) {
      raw.close();
      throw e;
    }
  }

  private static void roundTrip(RelayStream stream) throws Exception {
    byte[] data = new byte[3 << 20];
    new Random(42).nextBytes(data);
    CompletableFuture<byte[]> got =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return stream.input().readNBytes(data.length);
              } catch (IOException e) {
                throw new RuntimeException(e);
              }
            });
    Random sizes = new Random(7);
    for (int at = 0; at < data.length; ) {
      int n = Math.min(data.length - at, 1 + sizes.nextInt(300_000)); // many records per write
      stream.write(data, at, n);
      at += n;
    }
    assertArrayEquals(data, got.get(60, TimeUnit.SECONDS));
    byte[] end = {'E', 'N', 'D'};
    stream.write(end, 0, 3);
    assertArrayEquals(end, stream.input().readNBytes(3));
    assertEquals(-1, stream.input().read(), "the end of the relay's stream reads as -1");
    assertEquals(0, stream.input().available());
  }

  @Test
  void megabytesCrossTlsIntactBothWays() throws Exception {
    try (ServerSocket s = echo(true);
        RelayStream stream = connect(s, pin)) {
      roundTrip(stream);
    }
  }

  @Test
  void plainTcpForTestRelays() throws Exception {
    try (ServerSocket s = echo(false);
        RelayStream stream = connect(s, RelayTls.PLAINTEXT_PIN)) {
      roundTrip(stream);
    }
  }

  @Test
  void aKeyOtherThanThePinnedOneIsRefused() throws Exception {
    String other = pin.replace(pin.charAt(0), pin.charAt(0) == 'a' ? 'b' : 'a');
    try (ServerSocket s = echo(true)) {
      IOException e = assertThrows(IOException.class, () -> connect(s, other));
      assertTrue(
          String.valueOf(e.getMessage()).contains("does not match the pinned"), e.toString());
    }
  }

  @Test
  void withoutAPinTheJdkTrustStoreDecidesAndRefusesASelfSignedKey() throws Exception {
    try (ServerSocket s = echo(true)) {
      assertThrows(IOException.class, () -> connect(s, ""));
    }
  }

  @Test
  void aRelayThatNeverAnswersTheHandshakeTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      long start = System.nanoTime();
      assertThrows(SocketTimeoutException.class, () -> connect(silent, pin));
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20));
    }
  }

  @Test
  void aServerSpeakingSomethingElseIsAClearError() throws Exception {
    try (ServerSocket plain = echo(false)) {
      // the echo server sends our ClientHello back: not a ServerHello
      IOException e = assertThrows(IOException.class, () -> connect(plain, pin));
      assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), e.toString());
    }
  }
}
