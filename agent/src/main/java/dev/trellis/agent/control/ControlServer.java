package dev.trellis.agent.control;

import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/**
 * The standalone agent's local API: a Unix domain socket (mode 0600, in a 0700 directory it
 * creates) that answers one request line per connection. {@code get} returns the {@link
 * StatusCodec} text of the current {@link InterfaceStatus}; anything else gets {@code error=...}.
 *
 * <p>Thread-safety: one accept thread ("control-accept") serves clients one at a time; {@link
 * #close()} may be called from any thread and removes the socket file.
 */
public final class ControlServer implements AutoCloseable {
  private static final int MAX_REQUEST = 256;

  private final Path path;
  private final ServerSocketChannel server;
  private final Supplier<InterfaceStatus> status;
  private final Thread acceptor;

  private ControlServer(Path path, ServerSocketChannel server, Supplier<InterfaceStatus> status) {
    this.path = path;
    this.server = server;
    this.status = status;
    this.acceptor = Thread.ofPlatform().name("control-accept").daemon().unstarted(this::serve);
  }

  /** Binds the socket at {@code path} (replacing a stale one) and starts serving. */
  public static ControlServer start(Path path, Supplier<InterfaceStatus> status)
      throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    Files.deleteIfExists(path);
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.bind(UnixDomainSocketAddress.of(path));
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      ch.close();
      throw new IOException("cannot open control socket " + path + ": " + e.getMessage(), e);
    }
    ControlServer s = new ControlServer(path, ch, status);
    s.acceptor.start();
    return s;
  }

  private void serve() {
    while (server.isOpen()) {
      try (SocketChannel c = server.accept()) {
        handle(c);
      } catch (IOException e) {
        if (!server.isOpen()) {
          return;
        }
        // a client that went away mid-request: serve the next one
      }
    }
  }

  private void handle(SocketChannel c) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
    while (in.hasRemaining() && indexOfNewline(in) < 0) {
      if (c.read(in) < 0) {
        break;
      }
    }
    int nl = indexOfNewline(in);
    String request =
        new String(in.array(), 0, nl < 0 ? in.position() : nl, StandardCharsets.UTF_8).strip();
    String reply;
    if (request.equals("get")) {
      try {
        reply = StatusCodec.encode(status.get());
      } catch (RuntimeException e) {
        reply = "error=status failed: " + e.getMessage() + "\n\n";
      }
    } else {
      reply = "error=unknown request (expected 'get')\n\n";
    }
    OutputStream out = Channels.newOutputStream(c);
    out.write(reply.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static int indexOfNewline(ByteBuffer b) {
    for (int i = 0; i < b.position(); i++) {
      if (b.get(i) == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** The socket's path. */
  public Path path() {
    return path;
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(path);
  }
}
