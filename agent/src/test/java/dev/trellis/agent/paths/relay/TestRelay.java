package dev.trellis.agent.paths.relay;

import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.key.RelayPrivateKey;
import dev.trellis.proto.relay.FrameCodec;
import dev.trellis.proto.relay.Frames;
import dev.trellis.proto.relay.NodeKeyProof;
import dev.trellis.proto.relay.RelayFrame;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in relay server for the client's tests (the real one lives in services/relay, which the
 * agent must not depend on): plain TCP on loopback, the HTTP upgrade, a real node-key proof check
 * with the shared-proto code, and forwarding between clients of this one instance and its {@code
 * siblings} (a shared key table stands in for the mesh).
 */
final class TestRelay implements AutoCloseable {
  private final RelayPrivateKey key = RelayPrivateKey.generate();
  private final ServerSocket server;
  private final Map<NodePublicKey, OutputStream> clients;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  volatile int refusedProofs;

  TestRelay(Map<NodePublicKey, OutputStream> shared) throws IOException {
    this.clients = shared;
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::accept);
  }

  static Map<NodePublicKey, OutputStream> mesh() {
    return new ConcurrentHashMap<>();
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        sockets.add(s);
        Thread.ofVirtual().start(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    NodePublicKey node = null;
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          return;
        }
        head.append((char) c);
      }
      if (!head.toString().startsWith("GET " + Frames.DEVICE_PATH + " ")) {
        out.write("HTTP/1.1 404 Not Found\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return;
      }
      out.write(
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: trellis-relay\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      byte[] challenge = NodeKeyProof.newChallenge();
      out.write(
          FrameCodec.encode(
              new RelayFrame.ServerHello(Frames.VERSION, key.publicKey(), challenge)));
      RelayFrame f = FrameCodec.read(in);
      if (!(f instanceof RelayFrame.ClientHello h)
          || !NodeKeyProof.verify(key, h.nodeKey(), challenge, h.proof())) {
        refusedProofs++;
        out.write(FrameCodec.encode(new RelayFrame.Health("bad proof")));
        return;
      }
      node = h.nodeKey();
      clients.put(node, out);
      synchronized (out) {
        out.write(FrameCodec.encode(new RelayFrame.ServerInfo(30_000)));
      }
      while (true) {
        RelayFrame g = FrameCodec.read(in);
        if (g == null) {
          return;
        }
        if (g instanceof RelayFrame.SendPacket p) {
          OutputStream to = clients.get(p.destination());
          if (to != null) {
            synchronized (to) {
              to.write(FrameCodec.encode(new RelayFrame.RecvPacket(node, p.packet())));
            }
          }
        }
      }
    } catch (Exception e) {
      // the client went away or we were closed
    } finally {
      if (node != null) {
        clients.remove(node);
      }
    }
  }

  /** Sends {@code frame} to the connected device {@code to}; false if it is not connected. */
  boolean sendTo(NodePublicKey to, RelayFrame frame) throws IOException {
    OutputStream out = clients.get(to);
    if (out == null) {
      return false;
    }
    synchronized (out) {
      out.write(FrameCodec.encode(frame));
    }
    return true;
  }

  /** Kills the instance: the listener and every connection. */
  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
