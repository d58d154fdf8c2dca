package dev.trellis.load.relay;

import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.relay.FrameCodec;
import dev.trellis.proto.relay.FrameException;
import dev.trellis.proto.relay.Frames;
import dev.trellis.proto.relay.NodeKeyProof;
import dev.trellis.proto.relay.RelayFrame;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A minimal blocking relay client for the benchmark: TLS with the relay's SPKI pinned, the HTTP
 * upgrade, the node-key proof, then SEND_PACKET out and frames in. Writes are buffered; call {@link
 * #flush()}.
 *
 * <p>Thread-safety: one writer thread and one reader thread at most.
 */
final class BenchClient implements AutoCloseable {
  private final SSLSocket socket;
  private final InputStream in;
  private final OutputStream out;

  private BenchClient(SSLSocket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
  }

  static BenchClient connect(int port, String pin, NodePrivateKey key)
      throws IOException, GeneralSecurityException, FrameException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new Pin(pin)}, null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
    s.setTcpNoDelay(true);
    s.setSoTimeout(60_000);
    s.startHandshake();
    BenchClient c = new BenchClient(s);
    c.out.write(
        ("GET "
                + Frames.DEVICE_PATH
                + " HTTP/1.1\r\nHost: relay\r\nConnection: Upgrade\r\n"
                + "Upgrade: "
                + Frames.UPGRADE_TOKEN
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    c.out.flush();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = c.in.read();
      if (b < 0) {
        throw new IOException("closed during upgrade");
      }
      head.append((char) b);
    }
    var hello = (RelayFrame.ServerHello) FrameCodec.read(c.in);
    byte[] proof = NodeKeyProof.prove(key, hello.relayKey(), hello.challenge());
    c.out.write(
        FrameCodec.encode(
            new RelayFrame.ClientHello(key.publicKey(), proof, Frames.VERSION, "bench")));
    c.out.flush();
    RelayFrame answer = FrameCodec.read(c.in);
    if (!(answer instanceof RelayFrame.ServerInfo)) {
      throw new IOException("relay refused the bench client: " + answer);
    }
    return c;
  }

  void send(NodePublicKey destination, byte[] packet) throws IOException {
    out.write(FrameCodec.encode(new RelayFrame.SendPacket(destination, packet)));
  }

  void flush() throws IOException {
    out.flush();
  }

  /** The next frame (blocking); null at the end of the stream. */
  RelayFrame read() throws IOException, FrameException {
    return FrameCodec.read(in);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** Trusts exactly the certificate whose SPKI SHA-256 is the pin. */
  private record Pin(String pin) implements X509TrustManager {
    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      try {
        String got =
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(chain[0].getPublicKey().getEncoded()));
        if (!got.equals(pin)) {
          throw new CertificateException("pin mismatch");
        }
      } catch (GeneralSecurityException e) {
        throw new CertificateException(e);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("unused");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
