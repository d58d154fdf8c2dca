package dev.trellis.agent.controlclient;

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
import java.nio.file.Path;

/**
 * Test helper process: {@code TcpToUnix PORT PATH} listens on 127.0.0.1:PORT (in whatever network
 * namespace it runs) and forwards each connection to the Unix socket PATH, so an agent inside a
 * namespace reaches a {@link TestCoordinator} in the test JVM. Test code only.
 *
 * <p>Thread-safety: two threads per connection, one per direction.
 */
public final class TcpToUnix {
  private TcpToUnix() {}

  public static void main(String[] args) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])));
    Path target = Path.of(args[1]);
    System.out.println("forwarding");
    System.out.flush();
    while (true) {
      SocketChannel tcp = server.accept();
      SocketChannel unix = SocketChannel.open(StandardProtocolFamily.UNIX);
      unix.connect(UnixDomainSocketAddress.of(target));
      pump(Channels.newInputStream(tcp), Channels.newOutputStream(unix), tcp, unix);
      pump(Channels.newInputStream(unix), Channels.newOutputStream(tcp), tcp, unix);
    }
  }

  private static void pump(InputStream in, OutputStream out, SocketChannel a, SocketChannel b) {
    Thread.ofPlatform()
        .start(
            () -> {
              byte[] buf = new byte[65536];
              try {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // one side went away
              }
              try {
                a.close();
                b.close();
              } catch (IOException e) {
                // closing anyway
              }
            });
  }
}
