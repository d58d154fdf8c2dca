package dev.trellis.agent.paths.relay;

import dev.trellis.proto.control.v1.RelayNode;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.relay.FrameCodec;
import dev.trellis.proto.relay.FrameException;
import dev.trellis.proto.relay.FrameType;
import dev.trellis.proto.relay.Frames;
import dev.trellis.proto.relay.NodeKeyProof;
import dev.trellis.proto.relay.RelayFrame;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * One connection to one relay server, speaking the shared relay frame protocol ({@link
 * dev.trellis.proto.relay}) over a {@link RelayStream}: TLS (pinned, see {@link RelayTls}) or plain
 * TCP when the relay map entry's pin is {@link RelayTls#PLAINTEXT_PIN}; the HTTP upgrade; the
 * node-key proof; then packets both ways. The {@code relay-reader-<node>} thread hands received
 * packets to the listener and answers pings, and tells it {@code burstEnd} whenever it has read
 * everything at hand (so the listener may pass a burst on at once); when the stream ends the
 * listener hears {@code closed}.
 *
 * <p>Sending never blocks on the socket: {@link #send} encodes the frame straight into a pending
 * buffer (bounded at {@value #MAX_PENDING} bytes; beyond that the packet is dropped and counted, as
 * a full UDP socket buffer would drop it), and the {@code relay-writer-<node>} thread writes
 * everything pending at once (many TLS records, one system call per 256 KB) per burst. A sender
 * thread (the WireGuard pipeline) is thus never stuck behind a slow relay, and a burst of packets
 * costs one flush rather than one per packet.
 *
 * <p>Thread-safety: {@link #send} may be called from any thread (frames are appended under one
 * lock); {@link #close} from any thread.
 */
final class RelayConnection implements AutoCloseable {
  /** What a connection reports. */
  interface Listener {
    /**
     * {@code data[off .. off+len)} came from {@code from}; {@code data} is reused once this returns
     * (copy what you keep).
     */
    void packet(NodePublicKey from, byte[] data, int off, int len);

    /** The relay says {@code peer} is connected again (PEER_PRESENT). */
    default void peerPresent(NodePublicKey peer) {}

    /** The relay made a UDP relay session (on {@code relayAddress}, the address dialled). */
    default void udpRelaySession(RelayFrame.UdpRelaySession session, InetAddress relayAddress) {}

    /** No more received data is at hand: packets held back by {@link #packet} may go on. */
    default void burstEnd() {}

    void closed(RelayConnection c, String why);
  }

  /** The most bytes of frames waiting for the writer; more is dropped. */
  static final int MAX_PENDING = 2 << 20;

  /**
   * The pending buffers' size once traffic has fallen off. A busy connection's bursts grow them up
   * to {@link #MAX_PENDING} and they stay that size while it stays busy: giving back every grown
   * buffer at once made the relay path allocate about 125 MB/s at 2 Gbit/s, hundreds of young
   * collections a second and, as the copies were promoted, old collections of 20-60 ms that stalled
   * every packet.
   */
  private static final int KEEP = 512 * 1024;

  /** How long the buffers stay grown after the last batch that needed more than {@link #KEEP}. */
  private static final long SHRINK_AFTER_NANOS = 2_000_000_000L;

  private static final int SEND_HEADER = 5 + Frames.KEY_BYTES;

  private final RelayNode node;
  private final RelayStream stream;
  private final InputStream in;
  private final Object lock = new Object();
  private byte[] pending = new byte[64 * 1024]; // guarded by lock
  private int pendingLength; // guarded by lock
  private byte[] spare = new byte[64 * 1024]; // writer thread only (swapped under lock)
  private long lastLargeBatch; // writer thread only: System.nanoTime() of the last batch > KEEP
  private long dropped; // guarded by lock
  private volatile boolean closed;

  private RelayConnection(RelayNode node, RelayStream stream, InputStream in) {
    this.node = node;
    this.stream = stream;
    this.in = in;
  }

  /** Connects, upgrades and proves {@code key}; throws with the reason on any refusal. */
  static RelayConnection open(
      RelayNode node, NodePrivateKey key, Duration timeout, Listener listener) throws IOException {
    String host = !node.getIpv4().isEmpty() ? node.getIpv4() : node.getIpv6();
    if (host.isEmpty()) {
      host = node.getHostname();
    }
    Socket raw = new Socket();
    try {
      raw.connect(new InetSocketAddress(host, node.getRelayPort()), (int) timeout.toMillis());
      raw.setTcpNoDelay(true);
      raw.setSoTimeout((int) timeout.toMillis());
      RelayStream s = RelayStream.open(raw, node, host);
      InputStream in = s.input();
      String hostHeader = node.getHostname().isEmpty() ? host : node.getHostname();
      byte[] upgrade =
          ("GET "
                  + Frames.DEVICE_PATH
                  + " HTTP/1.1\r\nHost: "
                  + hostHeader
                  + "\r\nConnection: Upgrade\r\nUpgrade: "
                  + Frames.UPGRADE_TOKEN
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII);
      s.write(upgrade, 0, upgrade.length);
      String status = readLine(in);
      while (!readLine(in).isEmpty()) {
        // headers: nothing we need
      }
      if (!status.startsWith("HTTP/1.1 101")) {
        throw new IOException("relay " + node.getName() + " refused the upgrade: " + status);
      }
      RelayFrame hello = FrameCodec.read(in);
      if (!(hello instanceof RelayFrame.ServerHello sh)) {
        throw new IOException("relay " + node.getName() + " sent " + hello + " instead of hello");
      }
      byte[] proof = NodeKeyProof.prove(key, sh.relayKey(), sh.challenge());
      byte[] clientHello =
          FrameCodec.encode(
              new RelayFrame.ClientHello(key.publicKey(), proof, Frames.VERSION, "trellis-agent"));
      s.write(clientHello, 0, clientHello.length);
      RelayFrame answer = FrameCodec.read(in);
      if (answer instanceof RelayFrame.Health h) {
        throw new IOException("relay " + node.getName() + " refused this node: " + h.text());
      }
      if (!(answer instanceof RelayFrame.ServerInfo)) {
        throw new IOException("relay " + node.getName() + " answered " + answer);
      }
      raw.setSoTimeout(0); // the relay's keepalives keep it alive; a dead TCP ends in an error
      RelayConnection c = new RelayConnection(node, s, in);
      Thread.ofPlatform().name("relay-writer-" + node.getName()).daemon().start(c::writeLoop);
      Thread.ofPlatform()
          .name("relay-reader-" + node.getName())
          .daemon()
          .start(() -> c.read(listener));
      return c;
    } catch (FrameException e) {
      raw.close();
      throw new IOException("relay " + node.getName() + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  private void read(Listener listener) {
    String why = "closed";
    byte[] buf = new byte[Frames.MAX_PAYLOAD_BYTES];
    byte[] header = new byte[4];
    byte[] lastKey = new byte[Frames.KEY_BYTES];
    NodePublicKey lastFrom = null;
    try {
      while (!closed) {
        if (in.available() == 0) {
          listener.burstEnd(); // about to block: what the listener holds goes on now
        }
        int code = in.read();
        if (code < 0) {
          why = "the relay closed the connection";
          break;
        }
        if (in.readNBytes(header, 0, 4) < 4) {
          throw new EOFException("end of stream inside a relay frame header");
        }
        long length =
            ((header[0] & 0xffL) << 24)
                | ((header[1] & 0xff) << 16)
                | ((header[2] & 0xff) << 8)
                | (header[3] & 0xff);
        if (length > Frames.MAX_PAYLOAD_BYTES) {
          throw new FrameException(
              FrameException.Reason.TOO_LARGE,
              "frame length " + length + " exceeds " + Frames.MAX_PAYLOAD_BYTES);
        }
        int n = (int) length;
        if (in.readNBytes(buf, 0, n) < n) {
          throw new EOFException("end of stream inside a relay frame payload");
        }
        if (code == FrameType.RECV_PACKET.code() && n >= Frames.KEY_BYTES) {
          // the hot path: no frame object, no copies; the source key is reused while it repeats
          if (lastFrom == null
              || !Arrays.equals(buf, 0, Frames.KEY_BYTES, lastKey, 0, Frames.KEY_BYTES)) {
            System.arraycopy(buf, 0, lastKey, 0, Frames.KEY_BYTES);
            lastFrom = NodePublicKey.fromBytes(lastKey);
          }
          listener.packet(lastFrom, buf, Frames.KEY_BYTES, n - Frames.KEY_BYTES);
          continue;
        }
        switch (FrameCodec.decode(code, Arrays.copyOf(buf, n))) {
          case RelayFrame.RecvPacket p ->
              listener.packet(p.source(), p.packet(), 0, p.packet().length);
          case RelayFrame.Ping p -> write(FrameCodec.encode(new RelayFrame.Pong(p.data())));
          case RelayFrame.PeerPresent p -> listener.peerPresent(p.peer());
          case RelayFrame.UdpRelaySession u -> listener.udpRelaySession(u, stream.remoteAddress());
          default -> {
            // keepalive, peer gone, health, unknown: nothing to do here
          }
        }
      }
    } catch (IOException | FrameException e) {
      why = e.getMessage();
    } finally {
      close();
      listener.burstEnd();
      listener.closed(this, why);
    }
  }

  /**
   * Queues a SEND_PACKET of {@code data[off .. off+len)} to {@code to}; false if the connection is
   * gone or {@value #MAX_PENDING} bytes are already waiting (the packet is dropped).
   */
  boolean send(NodePublicKey to, byte[] data, int off, int len) {
    if (len > Frames.MAX_PACKET_BYTES) {
      return false;
    }
    synchronized (lock) {
      if (closed) {
        return false;
      }
      int at = reserve(SEND_HEADER + len);
      if (at < 0) {
        return false;
      }
      byte[] b = pending;
      int payload = Frames.KEY_BYTES + len;
      b[at] = (byte) FrameType.SEND_PACKET.code();
      b[at + 1] = (byte) (payload >>> 24);
      b[at + 2] = (byte) (payload >>> 16);
      b[at + 3] = (byte) (payload >>> 8);
      b[at + 4] = (byte) payload;
      to.copyTo(b, at + 5);
      System.arraycopy(data, off, b, at + SEND_HEADER, len);
      return true;
    }
  }

  /** Queues a UDP_RELAY_REQUEST for {@code peer}; false if the connection is gone or full. */
  boolean requestUdpRelay(NodePublicKey peer) {
    return write(FrameCodec.encode(new RelayFrame.UdpRelayRequest(peer)));
  }

  /** Queues an encoded control frame (PONG); false if the connection is gone or full. */
  private boolean write(byte[] frame) {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      int at = reserve(frame.length);
      if (at < 0) {
        return false;
      }
      System.arraycopy(frame, 0, pending, at, frame.length);
      return true;
    }
  }

  /**
   * Makes room for {@code n} more pending bytes (under lock) and wakes the writer if it was idle;
   * the offset to write them at, or -1 (counted) when the pending limit is reached.
   */
  private int reserve(int n) {
    int at = pendingLength;
    if (at + n > MAX_PENDING) {
      dropped++;
      return -1;
    }
    if (at + n > pending.length) {
      pending = Arrays.copyOf(pending, Math.min(MAX_PENDING, Math.max(at + n, pending.length * 2)));
    }
    pendingLength = at + n;
    if (at == 0) {
      lock.notifyAll();
    }
    return at;
  }

  /** The {@code relay-writer} loop: writes everything pending at once, until closed. */
  private void writeLoop() {
    try {
      while (true) {
        byte[] batch;
        int n;
        synchronized (lock) {
          while (pendingLength == 0 && !closed) {
            lock.wait();
          }
          if (closed) {
            return;
          }
          batch = pending;
          n = pendingLength;
          pending = spare;
          pendingLength = 0;
        }
        stream.write(batch, 0, n);
        long now = System.nanoTime();
        if (n > KEEP) {
          lastLargeBatch = now;
        }
        spare =
            batch.length > KEEP && now - lastLargeBatch > SHRINK_AFTER_NANOS
                ? new byte[KEEP]
                : batch;
      }
    } catch (IOException | InterruptedException e) {
      close();
    }
  }

  /** Packets and frames dropped because too much was waiting to be written. */
  long dropped() {
    synchronized (lock) {
      return dropped;
    }
  }

  boolean isOpen() {
    return !closed;
  }

  RelayNode node() {
    return node;
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder s = new StringBuilder();
    while (s.length() < 8192) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("relay closed the connection during the upgrade");
      }
      if (c == '\n') {
        int n = s.length();
        return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
      }
      s.append((char) c);
    }
    throw new IOException("relay sent an overlong HTTP line");
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    stream.close();
  }

  @Override
  public String toString() {
    return "RelayConnection[" + node.getName() + "]";
  }
}
