package dev.trellis.agent.paths.relay;

import dev.trellis.proto.control.v1.RelayNode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.X509TrustManager;

/**
 * The byte stream under a relay connection: TLS through an {@link SSLEngine} (trust as {@link
 * RelayTls} decides), or plain TCP for test relays, over a blocking socket, where every read and
 * every write is one large system call.
 *
 * <p>Why not an {@code SSLSocket}: the JDK's TLS socket reads each record with two system calls
 * (its header, then its body) and writes each record with one. A relayed gigabit is about ten
 * thousand 16 KB records a second each way, and on a virtual machine every system call and wake-up
 * is dear. Here one read takes whatever the kernel holds (up to {@value #NET_BUFFER} bytes) and
 * decrypts every whole record in it, and one write sends a whole batch of records.
 *
 * <p>Thread-safety: one thread reads ({@link #input}); {@link #write} may be called from any thread
 * (writes are serialized, so records go out in the order they were sealed); {@link #close} from any
 * thread.
 */
final class RelayStream implements AutoCloseable {
  /** The most bytes one read system call takes, and one write system call sends. */
  static final int NET_BUFFER = 256 * 1024;

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final Socket socket;
  private final InputStream rawIn;
  private final OutputStream rawOut;
  private final SSLEngine engine; // null: plain TCP
  private final Input input = new Input();

  // reader thread only: bytes from the socket not yet decrypted (read mode), and plaintext not yet
  // consumed (read mode); for plain TCP both are the same buffer
  private final ByteBuffer netIn;
  private final ByteBuffer appIn;

  private final Object writeLock = new Object();
  private final ByteBuffer netOut; // guarded by writeLock
  private int packetSize; // guarded by writeLock: the most bytes one record takes sealed
  private volatile boolean handshaken;

  private RelayStream(Socket socket, SSLEngine engine) throws IOException {
    this.socket = socket;
    this.rawIn = socket.getInputStream();
    this.rawOut = socket.getOutputStream();
    this.engine = engine;
    this.netIn = ByteBuffer.allocate(NET_BUFFER).flip();
    if (engine == null) {
      this.appIn = netIn;
      this.netOut = null;
    } else {
      int app = engine.getSession().getApplicationBufferSize();
      this.packetSize = engine.getSession().getPacketBufferSize();
      this.appIn = ByteBuffer.allocate(NET_BUFFER + app).flip();
      this.netOut = ByteBuffer.allocate(NET_BUFFER + packetSize);
    }
  }

  /**
   * The stream over the connected {@code raw} toward {@code node} (dialled at {@code host}): plain
   * when the node's pin is {@link RelayTls#PLAINTEXT_PIN}, else TLS, handshaken here. Reads time
   * out after the socket's {@code SO_TIMEOUT}, so a relay that stalls the handshake is given up.
   */
  static RelayStream open(Socket raw, RelayNode node, String host) throws IOException {
    String pin = node.getTlsSpkiSha256();
    if (RelayTls.PLAINTEXT_PIN.equals(pin)) {
      return new RelayStream(raw, null);
    }
    SSLEngine engine;
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, pin.isEmpty() ? null : new X509TrustManager[] {RelayTls.pinned(pin)}, null);
      String name = node.getHostname().isEmpty() ? host : node.getHostname();
      engine = ctx.createSSLEngine(name, raw.getPort());
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS setup failed: " + e.getMessage(), e);
    }
    engine.setUseClientMode(true);
    if (pin.isEmpty()) {
      SSLParameters p = engine.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(p);
    }
    RelayStream s = new RelayStream(raw, engine);
    s.handshake();
    return s;
  }

  /** The plaintext arriving from the relay; read by one thread. */
  InputStream input() {
    return input;
  }

  /**
   * Sends {@code b[off .. off+len)}: sealed into as many records as it needs and written in as few
   * system calls as fit in {@value #NET_BUFFER} bytes; blocks until the kernel took it all.
   */
  void write(byte[] b, int off, int len) throws IOException {
    synchronized (writeLock) {
      if (engine == null) {
        rawOut.write(b, off, len);
        return;
      }
      ByteBuffer src = ByteBuffer.wrap(b, off, len);
      do {
        seal(src);
      } while (src.hasRemaining());
      send();
    }
  }

  /** Seals one record of {@code src} (or a handshake message) into netOut; under writeLock. */
  private void seal(ByteBuffer src) throws IOException {
    if (netOut.remaining() < packetSize) {
      send();
    }
    SSLEngineResult r = engine.wrap(src, netOut);
    switch (r.getStatus()) {
      case OK -> runTasks(r.getHandshakeStatus());
      case CLOSED -> throw new EOFException("the TLS session to the relay is closed");
      case BUFFER_OVERFLOW -> { // the session's record size grew: the caller tries again with room
        packetSize = engine.getSession().getPacketBufferSize();
        send();
      }
      case BUFFER_UNDERFLOW -> throw new SSLException("TLS wrap underflow");
    }
  }

  /** Writes netOut to the socket and empties it; under writeLock. */
  private void send() throws IOException {
    if (netOut.position() > 0) {
      rawOut.write(netOut.array(), 0, netOut.position());
      netOut.clear();
    }
  }

  private void handshake() throws IOException {
    engine.beginHandshake();
    SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
    while (true) {
      switch (hs) {
        case NEED_WRAP -> {
          synchronized (writeLock) {
            seal(EMPTY);
            send();
          }
        }
        case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
          if (!decrypt() && hs == engine.getHandshakeStatus() && !readSocket()) {
            throw new EOFException("the relay closed the connection during the TLS handshake");
          }
        }
        case NEED_TASK -> runTasks(hs);
        case FINISHED, NOT_HANDSHAKING -> {
          if (engine.isInboundDone() || engine.isOutboundDone()) {
            throw new SSLException("the relay closed the TLS handshake");
          }
          handshaken = true;
          return;
        }
      }
      hs = engine.getHandshakeStatus();
    }
  }

  /**
   * Decrypts the whole records in netIn into appIn, as far as appIn has room; true if any record
   * was consumed. Answers what the engine asks for after a post-handshake message (a key update).
   */
  private boolean decrypt() throws IOException {
    boolean consumed = false;
    appIn.compact();
    try {
      while (netIn.hasRemaining()) {
        SSLEngineResult r = engine.unwrap(netIn, appIn);
        consumed |= r.bytesConsumed() > 0;
        switch (r.getStatus()) {
          case OK -> {}
          case CLOSED -> {
            return consumed; // close_notify: fill() sees the inbound side done
          }
          case BUFFER_UNDERFLOW, BUFFER_OVERFLOW -> {
            return consumed; // a partial record, or appIn is full until the reader catches up
          }
        }
        SSLEngineResult.HandshakeStatus hs = r.getHandshakeStatus();
        if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
          runTasks(hs);
          hs = engine.getHandshakeStatus();
        }
        if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
          answerHandshake();
        }
        if (r.bytesConsumed() == 0) {
          return consumed;
        }
      }
      return consumed;
    } finally {
      appIn.flip();
    }
  }

  /** Sends what the engine wants to say outside application data (a key update's answer). */
  private void answerHandshake() throws IOException {
    if (!handshaken) {
      return; // during the handshake its own loop wraps
    }
    synchronized (writeLock) {
      while (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
        seal(EMPTY);
      }
      send();
    }
  }

  private void runTasks(SSLEngineResult.HandshakeStatus hs) {
    if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
      Runnable task;
      while ((task = engine.getDelegatedTask()) != null) {
        task.run();
      }
    }
  }

  /** One read system call into netIn; false if the relay ended the stream. */
  private boolean readSocket() throws IOException {
    netIn.compact();
    int n;
    try {
      n = rawIn.read(netIn.array(), netIn.position(), netIn.remaining());
    } finally {
      netIn.flip();
    }
    if (n > 0) {
      netIn.limit(netIn.limit() + n);
    }
    return n >= 0;
  }

  /**
   * Makes plaintext available in appIn, reading the socket if nothing is at hand; false once the
   * relay ended the stream (its TCP or, for TLS, its close_notify).
   */
  private boolean fill() throws IOException {
    while (!appIn.hasRemaining()) {
      if (engine != null && engine.isInboundDone()) {
        return false;
      }
      if ((engine == null || !decrypt()) && !readSocket()) {
        return false;
      }
    }
    return true;
  }

  /** The address of the relay this stream is connected to. */
  InetAddress remoteAddress() {
    return socket.getInetAddress();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** The plaintext as a stream: reads come from appIn; the socket is read only when it is empty. */
  private final class Input extends InputStream {
    @Override
    public int read() throws IOException {
      if (!fill()) {
        return -1;
      }
      return appIn.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, appIn.remaining());
      appIn.get(b, off, n);
      return n;
    }

    /** Plaintext at hand without a system call: what is decrypted, plus whole records buffered. */
    @Override
    public int available() throws IOException {
      if (!appIn.hasRemaining() && engine != null && netIn.hasRemaining()) {
        decrypt();
      }
      return appIn.remaining();
    }
  }
}
