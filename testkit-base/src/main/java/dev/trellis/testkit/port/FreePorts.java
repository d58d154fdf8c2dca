package dev.trellis.testkit.port;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports for tests that must name a port before the thing that listens on it starts (a
 * Hazelcast member list, a child process's flags, an address where nothing listens). The port is
 * free when returned; another process may take it before the caller binds it, so prefer port 0
 * wherever the listener can report the port it got.
 *
 * <p>Ports come from below the kernel's ephemeral range ({@code ip_local_port_range}), picked at
 * random and checked: the kernel hands out ephemeral ports to every outgoing connection and every
 * bind to port 0 on the machine, so a port taken from that range was seen to be gone again (a
 * Hazelcast member failing with "address already in use") while other builds ran beside the tests.
 * Below it, only another test picking the same random port can collide.
 *
 * <p>Thread-safety: stateless.
 */
public final class FreePorts {
  private static final int LOWEST = 10_000;

  private FreePorts() {}

  /** A TCP port free on every interface. */
  public static int tcp() {
    return pick(null);
  }

  /** A TCP port free on {@code host} (e.g. {@code 127.0.0.1}). */
  public static int tcp(String host) {
    try {
      return pick(InetAddress.getByName(host));
    } catch (IOException e) {
      throw new UncheckedIOException("no free TCP port on " + host, e);
    }
  }

  private static int pick(InetAddress host) {
    int below = ephemeralLow();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; below > LOWEST + 1000 && i < 200; i++) {
      int port = LOWEST + r.nextInt(below - LOWEST);
      if (free(port, host)) {
        return port;
      }
    }
    try (ServerSocket s = new ServerSocket(0, 1, host)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free TCP port", e);
    }
  }

  private static boolean free(int port, InetAddress host) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(
          host == null
              ? new java.net.InetSocketAddress(port)
              : new java.net.InetSocketAddress(host, port),
          1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of the kernel's ephemeral range (32768 if it cannot be read). */
  static int ephemeralLow() {
    try {
      String[] range =
          Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip().split("\\s+");
      return Integer.parseInt(range[0]);
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
