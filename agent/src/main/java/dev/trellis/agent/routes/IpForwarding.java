package dev.trellis.agent.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns the kernel's IP forwarding on ({@code net.ipv4.ip_forward}, {@code
 * net.ipv6.conf.all.forwarding}) by writing {@code /proc/sys} directly (its network namespace's). A
 * router needs it; it is left on when routing stops, as other software on the host may rely on it
 * once it is on. IPv6 is skipped where the kernel has none.
 *
 * <p>Thread-safety: stateless.
 */
public final class IpForwarding {
  static final Path V4 = Path.of("/proc/sys/net/ipv4/ip_forward");
  static final Path V6 = Path.of("/proc/sys/net/ipv6/conf/all/forwarding");

  private IpForwarding() {}

  /** Enables forwarding for IPv4 and, where present, IPv6. */
  public static void enable() throws IOException {
    write(V4);
    if (Files.exists(V6)) {
      write(V6);
    }
  }

  /** Whether IPv4 forwarding is on. */
  public static boolean v4Enabled() {
    try {
      return Files.readString(V4).strip().equals("1");
    } catch (IOException e) {
      return false;
    }
  }

  private static void write(Path p) throws IOException {
    if (!Files.readString(p).strip().equals("1")) {
      Files.writeString(p, "1\n");
    }
  }
}
