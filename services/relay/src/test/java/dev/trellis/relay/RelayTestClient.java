package dev.trellis.relay;

import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.relay.FrameCodec;
import dev.trellis.proto.relay.Frames;
import dev.trellis.proto.relay.NodeKeyProof;
import dev.trellis.proto.relay.RelayFrame;
import dev.trellis.relay.tls.PinnedTrust;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * A blocking relay client over a real TLS socket (JDK SSLSocket, the relay's certificate pinned),
 * for tests and benchmarks: upgrade, hello with the node-key proof, then frames. A reader thread
 * puts every received frame in a queue; a {@code null} marks the end of the stream.
 *
 * <p>Thread-safety: sends are synchronized; the queue is thread-safe.
 */
public final class RelayTestClient implements AutoCloseable {
  private static final RelayFrame END = new RelayFrame.Health("<end of stream>");

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final LinkedBlockingDeque<RelayFrame> frames = new LinkedBlockingDeque<>();
  private volatile boolean ended;

  /** While true the reader stops reading (the relay's queues toward this device fill up). */
  public volatile boolean hold;

  private RelayFrame.ServerHello hello;

  private RelayTestClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
    this.out = socket.getOutputStream();
  }

  /** Connects and upgrades, reading SERVER_HELLO; no hello sent yet. */
  public static RelayTestClient open(int port, String pin) throws Exception {
    return open(port, pin, 0);
  }

  /** As {@link #open(int, String)} with a small receive buffer when {@code receiveBuffer > 0}. */
  public static RelayTestClient open(int port, String pin, int receiveBuffer) throws Exception {
    Socket s;
    if (pin == null || pin.isEmpty()) {
      s = new Socket();
      if (receiveBuffer > 0) {
        s.setReceiveBufferSize(receiveBuffer);
      }
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    } else {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new PinnedTrust(pin)}, null);
      SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket();
      if (receiveBuffer > 0) {
        ssl.setReceiveBufferSize(receiveBuffer);
      }
      ssl.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      ssl.startHandshake();
      s = ssl;
    }
    s.setTcpNoDelay(true);
    s.setSoTimeout(10_000);
    RelayTestClient c = new RelayTestClient(s);
    c.upgrade();
    return c;
  }

  /** Connects and authenticates as {@code key}; {@link #accepted()} says whether it worked. */
  public static RelayTestClient connect(int port, String pin, NodePrivateKey key) throws Exception {
    return connect(port, pin, key, 0);
  }

  /** As {@link #connect(int, String, NodePrivateKey)} with a small receive buffer. */
  public static RelayTestClient connect(int port, String pin, NodePrivateKey key, int receiveBuffer)
      throws Exception {
    RelayTestClient c = open(port, pin, receiveBuffer);
    c.hello(key, NodeKeyProof.prove(key, c.hello.relayKey(), c.hello.challenge()));
    return c;
  }

  private void upgrade() throws Exception {
    out.write(
        ("GET "
                + Frames.DEVICE_PATH
                + " HTTP/1.1\r\nHost: relay\r\nConnection: Upgrade\r\nUpgrade: "
                + Frames.UPGRADE_TOKEN
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("relay closed during upgrade: " + head);
      }
      head.append((char) b);
    }
    if (!head.toString().startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + head);
    }
    hello = (RelayFrame.ServerHello) FrameCodec.read(in);
  }

  /** Sends CLIENT_HELLO with {@code proof} and reads the answer, then starts the reader. */
  public void hello(NodePrivateKey key, byte[] proof) throws Exception {
    writeRaw(
        FrameCodec.encode(
            new RelayFrame.ClientHello(key.publicKey(), proof, Frames.VERSION, "test")));
    startReader();
  }

  /** The relay's hello (challenge and key). */
  public RelayFrame.ServerHello serverHello() {
    return hello;
  }

  /** Starts the reader thread without a hello (for refusal tests). */
  public void startReader() {
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                socket.setSoTimeout(0);
                RelayFrame f;
                while (true) {
                  while (hold) {
                    Thread.sleep(5);
                  }
                  if ((f = FrameCodec.read(in)) == null) {
                    break;
                  }
                  frames.add(f);
                }
              } catch (Exception e) {
                // end of stream or reset
              } finally {
                ended = true;
                frames.add(END);
              }
            });
  }

  /** Whether the relay accepted the hello (the first frame is SERVER_INFO). */
  public boolean accepted() throws InterruptedException {
    RelayFrame f = frames.poll(10, TimeUnit.SECONDS);
    if (f instanceof RelayFrame.ServerInfo) {
      return true;
    }
    if (f != null) {
      frames.addFirst(f);
    }
    return false;
  }

  /** Sends a packet to {@code destination}. */
  public void send(NodePublicKey destination, byte[] packet) throws IOException {
    writeRaw(FrameCodec.encode(new RelayFrame.SendPacket(destination, packet)));
  }

  /** Writes raw bytes. */
  public synchronized void writeRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next frame, or null after {@code timeout} (the end of stream is a HEALTH "<end...>"). */
  public RelayFrame next(Duration timeout) throws InterruptedException {
    RelayFrame f = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (f == END) {
      frames.add(END);
    }
    return f;
  }

  /** The next RECV_PACKET within {@code timeout}, skipping other frames; null if none. */
  public RelayFrame.RecvPacket nextPacket(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      RelayFrame f = frames.poll(left, TimeUnit.NANOSECONDS);
      if (f instanceof RelayFrame.RecvPacket p) {
        return p;
      }
      if (f == END) {
        frames.add(END);
        return null;
      }
    }
  }

  /** Waits until the relay closes the connection; returns the last HEALTH text seen, or null. */
  public String awaitClosed(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String health = null;
    while (System.nanoTime() < deadline) {
      RelayFrame f = frames.poll(50, TimeUnit.MILLISECONDS);
      if (f == END) {
        frames.add(END);
        return health == null ? "" : health;
      }
      if (f instanceof RelayFrame.Health h) {
        health = h.text();
      }
    }
    return null;
  }

  /** Whether the stream ended. */
  public boolean ended() {
    return ended;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
