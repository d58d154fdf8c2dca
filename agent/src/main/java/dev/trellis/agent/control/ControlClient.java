package dev.trellis.agent.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks a running agent for its status over the {@link ControlServer} socket.
 *
 * <p>Thread-safety: stateless; each call opens its own connection.
 */
public final class ControlClient {
  private ControlClient() {}

  /**
   * Fetches the status from the socket at {@code path}.
   *
   * @throws IOException with a message naming the socket when no agent answers
   */
  public static InterfaceStatus get(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new IOException("no agent control socket at " + path + " (is trellisd running?)");
    }
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      c.connect(UnixDomainSocketAddress.of(path));
      c.write(ByteBuffer.wrap("get\n".getBytes(StandardCharsets.UTF_8)));
      BufferedReader r =
          new BufferedReader(
              new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      for (String line = r.readLine(); line != null && !line.isEmpty(); line = r.readLine()) {
        lines.add(line);
      }
      if (!lines.isEmpty() && lines.get(0).startsWith("error=")) {
        throw new IOException("agent: " + lines.get(0).substring(6));
      }
      try {
        return StatusCodec.decode(lines);
      } catch (IllegalArgumentException e) {
        throw new IOException("agent sent a malformed status: " + e.getMessage(), e);
      }
    } catch (java.net.SocketException e) {
      throw new IOException("cannot reach the agent at " + path + ": " + e.getMessage(), e);
    }
  }
}
