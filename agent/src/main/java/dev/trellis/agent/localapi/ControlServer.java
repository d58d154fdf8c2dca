package dev.trellis.agent.localapi;

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
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The agent's local API: a Unix domain socket (mode 0600, in a 0700 directory it creates; with an
 * operator, 0666 in a 0711 directory) that answers one {@link Request} per connection from a peer
 * its {@link PeerAccess} admits (checked by the peer's {@code SO_PEERCRED} credentials). {@code
 * get} returns the {@link StatusCodec} text of the current {@link InterfaceStatus}; the daemon's
 * requests ({@code status}, {@code up}, {@code down}, {@code logout}) go to its {@link
 * RequestHandler}; anything else gets {@code error=...}.
 *
 * <p>Thread-safety: one accept thread ("control-accept") hands each client to its own virtual
 * thread (an interactive {@code up} may wait minutes); {@link #close()} may be called from any
 * thread and removes the socket file.
 */
public final class ControlServer implements AutoCloseable {
  private static final int MAX_REQUEST = Request.MAX_BYTES;

  private final Path path;
  private final ServerSocketChannel server;
  private final Supplier<InterfaceStatus> status;
  private final RequestHandler handler;
  private final PeerAccess access;
  private final Thread acceptor;

  private ControlServer(
      Path path,
      ServerSocketChannel server,
      Supplier<InterfaceStatus> status,
      RequestHandler handler,
      PeerAccess access) {
    this.path = path;
    this.access = access;
    this.server = server;
    this.status = status;
    this.handler = handler;
    this.acceptor = Thread.ofPlatform().name("control-accept").daemon().unstarted(this::serve);
  }

  /** Binds the socket at {@code path} (replacing a stale one) and starts serving. */
  public static ControlServer start(Path path, Supplier<InterfaceStatus> status)
      throws IOException {
    return start(path, status, null);
  }

  /**
   * Binds the socket at {@code path} (replacing a stale one) and starts serving {@code get} from
   * {@code status} and the daemon's requests through {@code handler} (none when {@code null}).
   */
  public static ControlServer start(
      Path path, Supplier<InterfaceStatus> status, RequestHandler handler) throws IOException {
    return start(path, status, handler, PeerAccess.ownerOnly());
  }

  /**
   * As {@link #start(Path, Supplier, RequestHandler)}, admitting the peers {@code access} allows.
   * When it admits others than root, the socket is 0666 and a directory this daemon created (or
   * left at 0700 before) becomes 0711, so they can reach it; the credential check guards it.
   */
  public static ControlServer start(
      Path path, Supplier<InterfaceStatus> status, RequestHandler handler, PeerAccess access)
      throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    String dirMode = access.opensSocket() ? "rwx--x--x" : "rwx------";
    if (dir != null && !Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(dirMode));
    } else if (dir != null
        && access.opensSocket()
        && PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)).equals("rwx------")
        && Files.getOwner(dir).getName().equals(System.getProperty("user.name"))) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(dirMode));
    }
    Files.deleteIfExists(path);
    ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.bind(UnixDomainSocketAddress.of(path));
      Files.setPosixFilePermissions(
          path, PosixFilePermissions.fromString(access.opensSocket() ? "rw-rw-rw-" : "rw-------"));
    } catch (IOException e) {
      ch.close();
      throw new IOException("cannot open control socket " + path + ": " + e.getMessage(), e);
    }
    ControlServer s = new ControlServer(path, ch, status, handler, access);
    s.acceptor.start();
    return s;
  }

  private void serve() {
    while (server.isOpen()) {
      SocketChannel c;
      try {
        c = server.accept();
      } catch (IOException e) {
        if (!server.isOpen()) {
          return;
        }
        continue; // a client that went away before being accepted
      }
      Thread.ofVirtual()
          .name("control-client")
          .start(
              () -> {
                try (c) {
                  handle(c);
                } catch (IOException | RuntimeException e) {
                  // a client that went away mid-request: nothing to answer
                }
              });
    }
  }

  private void handle(SocketChannel c) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
    while (in.hasRemaining() && !complete(in)) {
      if (c.read(in) < 0) {
        break;
      }
    }
    OutputStream out = Channels.newOutputStream(c);
    String text = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    Request request;
    try {
      if (!complete(in)) {
        throw new IllegalArgumentException(
            in.hasRemaining() ? "incomplete request" : "request over " + MAX_REQUEST + " bytes");
      }
      request = Request.parse(lines);
    } catch (IllegalArgumentException e) {
      reply(out, "error=" + e.getMessage() + "\n\n");
      return;
    }
    String refused = access.refusal(peer(c));
    if (refused != null) {
      reply(out, "error=" + refused + "\n\n");
      return;
    }
    if (request.verb().equals("get")) {
      String reply;
      try {
        reply = StatusCodec.encode(status.get());
      } catch (RuntimeException e) {
        reply = "error=status failed: " + e.getMessage() + "\n\n";
      }
      reply(out, reply);
    } else if (handler == null) {
      reply(out, "error=this agent runs in standalone mode and only answers 'get'\n\n");
    } else {
      try {
        handler.handle(request, new ReplyWriter(out));
      } catch (RuntimeException | LinkageError e) {
        // A bug or a broken installation must reach the user as a reason, not as silence.
        String why = e.toString().replace('\n', ' ');
        reply(out, "result=error\nerror_code=INTERNAL\nmessage=the agent failed: " + why + "\n\n");
        throw e;
      }
    }
  }

  /** The connected process's credentials, or {@code null} when the kernel does not say. */
  private static UnixDomainPrincipal peer(SocketChannel c) {
    try {
      return c.getOption(ExtendedSocketOptions.SO_PEERCRED);
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  private static void reply(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** A bare "get" line (the standalone client's request), or any request up to an empty line. */
  private static boolean complete(ByteBuffer b) {
    byte[] a = b.array();
    int n = b.position();
    if (n >= 4 && a[0] == 'g' && a[1] == 'e' && a[2] == 't' && a[3] == '\n') {
      return true;
    }
    for (int i = 1; i < n; i++) {
      if (a[i] == '\n' && a[i - 1] == '\n') {
        return true;
      }
    }
    return false;
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
