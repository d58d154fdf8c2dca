package dev.trellis.agent.controlclient;

import dev.trellis.proto.channel.ChannelException;
import dev.trellis.proto.channel.HandshakeResponder;
import dev.trellis.proto.channel.HandshakeResult;
import dev.trellis.proto.channel.RecordCodec;
import dev.trellis.proto.control.CapabilityVersion;
import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.ServerMessage;
import dev.trellis.proto.key.MachinePrivateKey;
import dev.trellis.proto.key.MachinePublicKey;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A scriptable stand-in for the coordinator's device front door, for testing the agent's channel
 * client: a plain-socket HTTP server on 127.0.0.1 answering {@code GET /control/v1/key} and the
 * WebSocket {@code /control/v1/channel} (RFC 6455 framing written here) with the real shared-proto
 * Noise responder and record codec. Each accepted channel is a {@link Session} the test reads
 * {@link ClientMessage}s from and sends {@link ServerMessage}s to. Test code only.
 *
 * <p>Thread-safety: one thread per connection; sessions are handed over through a queue.
 */
public final class TestCoordinator implements AutoCloseable {
  final MachinePrivateKey key = MachinePrivateKey.generate();

  /** Channels in the order they completed the handshake. */
  public final BlockingQueue<Session> sessions = new LinkedBlockingQueue<>();

  private final ServerSocketChannel server;
  private final List<SocketChannel> sockets = new CopyOnWriteArrayList<>();

  /** Listens on a free loopback TCP port. */
  public TestCoordinator() throws IOException {
    this(null);
  }

  /**
   * Listens on the Unix socket {@code unix} (reachable from other network namespaces through a
   * {@link TcpToUnix} forwarder), or on loopback TCP when it is null.
   */
  public TestCoordinator(Path unix) throws IOException {
    if (unix == null) {
      server = ServerSocketChannel.open();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } else {
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(unix));
    }
    Thread.ofPlatform().daemon().name("test-coordinator").start(this::accept);
  }

  /** The login server URL (loopback TCP mode). */
  public String url() throws IOException {
    return "http://127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort();
  }

  public MachinePublicKey publicKey() {
    return key.publicKey();
  }

  private void accept() {
    while (server.isOpen()) {
      try {
        SocketChannel s = server.accept();
        sockets.add(s);
        Thread.ofVirtual().start(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(SocketChannel s) {
    try (s) {
      InputStream in = new java.io.BufferedInputStream(Channels.newInputStream(s));
      OutputStream out = Channels.newOutputStream(s);
      String requestLine = readLine(in);
      Map<String, String> headers = new HashMap<>();
      for (String h = readLine(in); !h.isEmpty(); h = readLine(in)) {
        int colon = h.indexOf(':');
        headers.put(h.substring(0, colon).strip().toLowerCase(), h.substring(colon + 1).strip());
      }
      if (requestLine.startsWith("GET /control/v1/key ")) {
        byte[] body =
            ("{\"controlKey\":\"" + key.publicKey() + "\",\"capabilityVersion\":1}")
                .getBytes(StandardCharsets.UTF_8);
        out.write(
            ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length
                    + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.write(body);
        out.flush();
        return;
      }
      if (!requestLine.startsWith("GET /control/v1/channel ")) {
        out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes());
        return;
      }
      String accept =
          Base64.getEncoder()
              .encodeToString(
                  MessageDigest.getInstance("SHA-1")
                      .digest(
                          (headers.get("sec-websocket-key")
                                  + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
                              .getBytes(StandardCharsets.US_ASCII)));
      out.write(
          ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  + "Sec-WebSocket-Accept: "
                  + accept
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Session session = new Session(s, new DataInputStream(in), out);
      byte[] msg1 = session.readMessage();
      HandshakeResult r = new HandshakeResponder(key).respond(msg1, CapabilityVersion.CURRENT);
      session.result = r;
      session.writeFrame(r.reply());
      sessions.add(session);
      session.pump();
    } catch (Exception e) {
      // the connection ends; the session's queue says so
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("eof");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (SocketChannel s : sockets) {
      s.close();
    }
  }

  /** One device channel after the handshake. */
  public static final class Session {
    final BlockingQueue<ClientMessage> received = new LinkedBlockingQueue<>();
    private final SocketChannel channel;
    private final DataInputStream in;
    private final OutputStream out;
    volatile HandshakeResult result;
    public volatile boolean ended;

    Session(SocketChannel channel, DataInputStream in, OutputStream out) {
      this.channel = channel;
      this.in = in;
      this.out = out;
    }

    /** The device's machine key, as the handshake authenticated it. */
    public MachinePublicKey machineKey() {
      return result.peerKey();
    }

    public ClientMessage next() throws InterruptedException {
      ClientMessage m = received.poll(10, java.util.concurrent.TimeUnit.SECONDS);
      if (m == null) {
        throw new AssertionError("no client message within 10 s");
      }
      return m;
    }

    public synchronized void send(ServerMessage m) throws IOException {
      try {
        writeFrame(RecordCodec.seal(result.cipher(), m));
      } catch (ChannelException e) {
        throw new IOException(e);
      }
    }

    /** Sends raw bytes as one binary message (for sending garbage). */
    synchronized void sendRaw(byte[] b) throws IOException {
      writeFrame(b);
    }

    void pump() throws IOException {
      try {
        while (true) {
          byte[] rec = readMessage();
          received.add(RecordCodec.openClientMessage(result.cipher(), rec));
        }
      } catch (ChannelException e) {
        throw new IOException(e);
      } finally {
        ended = true;
      }
    }

    byte[] readMessage() throws IOException {
      ByteArrayOutputStream whole = new ByteArrayOutputStream();
      while (true) {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
          len = in.readUnsignedShort();
        } else if (len == 127) {
          len = in.readLong();
        }
        byte[] mask = new byte[4];
        if ((b1 & 0x80) != 0) {
          in.readFully(mask);
        }
        byte[] payload = new byte[(int) len];
        in.readFully(payload);
        for (int i = 0; i < payload.length; i++) {
          payload[i] ^= mask[i % 4];
        }
        int opcode = b0 & 0x0f;
        if (opcode == 8) {
          throw new IOException("closed by the client");
        }
        if (opcode == 9 || opcode == 10) {
          continue;
        }
        whole.writeBytes(payload);
        if ((b0 & 0x80) != 0) {
          return whole.toByteArray();
        }
      }
    }

    synchronized void writeFrame(byte[] payload) throws IOException {
      ByteArrayOutputStream f = new ByteArrayOutputStream();
      f.write(0x82);
      if (payload.length < 126) {
        f.write(payload.length);
      } else if (payload.length < 65536) {
        f.write(126);
        f.write(payload.length >>> 8);
        f.write(payload.length & 0xff);
      } else {
        f.write(127);
        for (int i = 7; i >= 0; i--) {
          f.write((int) ((long) payload.length >>> (8 * i)) & 0xff);
        }
      }
      f.writeBytes(payload);
      out.write(f.toByteArray());
      out.flush();
    }

    /**
     * Drops the TCP connection without a close frame. Shut down first: a close alone, while this
     * session's reader is blocked on the channel, may leave the socket open until that read ends,
     * and the device (waiting for a frame) would not see the connection go.
     */
    public void drop() throws IOException {
      try {
        channel.shutdownOutput();
        channel.shutdownInput();
      } finally {
        out.close();
      }
    }
  }
}
