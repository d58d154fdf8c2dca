package dev.trellis.agent.paths.relay;

import dev.trellis.proto.control.v1.RelayNode;
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
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * One connection to one relay server, speaking the shared relay frame protocol ({@link
 * dev.trellis.proto.relay}): TLS (pinned, see {@link RelayTls}) or plain TCP when the relay map
 * entry's pin is {@link RelayTls#PLAINTEXT_PIN}; the HTTP upgrade; the node-key proof; then packets
 * both ways. The {@code relay-reader-<node>} thread hands received packets to the listener and
 * answers pings; when the stream ends the listener hears {@code closed}.
 *
 * <p>Thread-safety: {@link #send} may be called from any thread (writes are serialised on the
 * output stream); {@link #close} from any thread.
 */
final class RelayConnection implements AutoCloseable {
  /** What a connection reports. */
  interface Listener {
    void packet(NodePublicKey from, byte[] packet);

    /** The relay says {@code peer} is connected again (PEER_PRESENT). */
    default void peerPresent(NodePublicKey peer) {}

    void closed(RelayConnection c, String why);
  }

  private final RelayNode node;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private volatile boolean closed;

  private RelayConnection(RelayNode node, Socket socket, InputStream in, OutputStream out) {
    this.node = node;
    this.socket = socket;
    this.in = in;
    this.out = out;
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
      Socket s = RelayTls.wrap(raw, node, host);
      InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
      OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
      String hostHeader = node.getHostname().isEmpty() ? host : node.getHostname();
      out.write(
          ("GET "
                  + Frames.DEVICE_PATH
                  + " HTTP/1.1\r\nHost: "
                  + hostHeader
                  + "\r\nConnection: Upgrade\r\nUpgrade: "
                  + Frames.UPGRADE_TOKEN
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
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
      out.write(
          FrameCodec.encode(
              new RelayFrame.ClientHello(key.publicKey(), proof, Frames.VERSION, "trellis-agent")));
      out.flush();
      RelayFrame answer = FrameCodec.read(in);
      if (answer instanceof RelayFrame.Health h) {
        throw new IOException("relay " + node.getName() + " refused this node: " + h.text());
      }
      if (!(answer instanceof RelayFrame.ServerInfo)) {
        throw new IOException("relay " + node.getName() + " answered " + answer);
      }
      s.setSoTimeout(0); // the relay's keepalives keep it alive; a dead TCP ends in an error
      RelayConnection c = new RelayConnection(node, s, in, out);
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
    try {
      while (!closed) {
        RelayFrame f = FrameCodec.read(in);
        if (f == null) {
          why = "the relay closed the connection";
          break;
        }
        switch (f) {
          case RelayFrame.RecvPacket p -> listener.packet(p.source(), p.packet());
          case RelayFrame.Ping p -> write(FrameCodec.encode(new RelayFrame.Pong(p.data())));
          case RelayFrame.PeerPresent p -> listener.peerPresent(p.peer());
          default -> {
            // keepalive, peer gone, health, unknown: nothing to do here
          }
        }
      }
    } catch (IOException | FrameException e) {
      why = e.getMessage();
    } finally {
      close();
      listener.closed(this, why);
    }
  }

  /** Sends a packet to {@code to}; false if the connection is gone. */
  boolean send(NodePublicKey to, byte[] data, int off, int len) {
    return write(
        FrameCodec.encode(new RelayFrame.SendPacket(to, Arrays.copyOfRange(data, off, off + len))));
  }

  private boolean write(byte[] frame) {
    if (closed) {
      return false;
    }
    try {
      synchronized (out) {
        out.write(frame);
        out.flush();
      }
      return true;
    } catch (IOException e) {
      close();
      return false;
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
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public String toString() {
    return "RelayConnection[" + node.getName() + "]";
  }
}
