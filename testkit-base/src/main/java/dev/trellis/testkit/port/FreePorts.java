package dev.trellis.testkit.port;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Free TCP ports for tests that must name a port before the thing that listens on it starts (a
 * Hazelcast member list, a child process's flags, an address where nothing listens). The port is
 * free when returned; another process may take it before the caller binds it, so prefer port 0
 * wherever the listener can report the port it got.
 *
 * <p>Thread-safety: stateless.
 */
public final class FreePorts {
  private FreePorts() {}

  /** A TCP port free on every interface. */
  public static int tcp() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free TCP port", e);
    }
  }

  /** A TCP port free on {@code host} (e.g. {@code 127.0.0.1}). */
  public static int tcp(String host) {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free TCP port on " + host, e);
    }
  }
}
