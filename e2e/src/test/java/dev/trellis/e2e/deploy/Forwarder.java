package dev.trellis.e2e.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny layer-4 load balancer in front of several coordinator instances, standing in for the one
 * an operator puts before them: each accepted connection goes to the first backend, in order, that
 * accepts a TCP connection, and bytes are copied both ways until either side closes. When a backend
 * dies its connections break and the devices' reconnects land on the next live one.
 *
 * <p>Thread-safety: one virtual thread accepts, two per connection copy; {@link #close()} may be
 * called from any thread.
 */
final class Forwarder implements AutoCloseable {
  private final ServerSocket server;
  private final List<InetSocketAddress> backends;
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  Forwarder(String host, List<InetSocketAddress> backends) throws IOException {
    this.backends = List.copyOf(backends);
    this.server = new ServerSocket(0, 50, InetAddress.getByName(host));
    Thread.ofVirtual().name("forwarder-accept").start(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        Thread.ofVirtual().name("forwarder-connect").start(() -> connect(client));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void connect(Socket client) {
    for (InetSocketAddress b : backends) {
      Socket upstream = new Socket();
      try {
        upstream.connect(b, 1_000);
      } catch (IOException e) {
        closeQuietly(upstream);
        continue;
      }
      open.add(upstream);
      Thread.ofVirtual().name("forwarder-up").start(() -> copy(client, upstream));
      Thread.ofVirtual().name("forwarder-down").start(() -> copy(upstream, client));
      return;
    }
    closeQuietly(client);
  }

  private void copy(Socket from, Socket to) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away: close both below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    open.forEach(Forwarder::closeQuietly);
  }
}
