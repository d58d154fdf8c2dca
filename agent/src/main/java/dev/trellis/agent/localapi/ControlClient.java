package dev.trellis.agent.localapi;

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
 * Talks to a running agent over the {@link ControlServer} socket: {@link #get} fetches the
 * WireGuard interface status, {@link #call} sends a daemon {@link Request} and collects the reply.
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

  /**
   * Sends {@code request} and returns the reply's {@code key=value} lines (without the final empty
   * line), passing each line to {@code onLine} as it arrives (an interactive {@code up} sends its
   * {@code auth_url} long before the end).
   *
   * @throws IOException naming the socket when no agent answers, or with the agent's error
   */
  public static List<String> call(
      Path path, Request request, java.util.function.Consumer<String> onLine) throws IOException {
    if (!Files.exists(path)) {
      throw new IOException("no agent control socket at " + path + " (is trellisd running?)");
    }
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      c.connect(UnixDomainSocketAddress.of(path));
      c.write(ByteBuffer.wrap(request.encode().getBytes(StandardCharsets.UTF_8)));
      BufferedReader r =
          new BufferedReader(
              new InputStreamReader(Channels.newInputStream(c), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      for (String line = r.readLine(); line != null && !line.isEmpty(); line = r.readLine()) {
        if (lines.isEmpty() && line.startsWith("error=")) {
          throw new IOException("agent: " + line.substring(6));
        }
        lines.add(line);
        onLine.accept(line);
      }
      return lines;
    } catch (java.net.SocketException e) {
      throw new IOException("cannot reach the agent at " + path + ": " + e.getMessage(), e);
    }
  }
}
