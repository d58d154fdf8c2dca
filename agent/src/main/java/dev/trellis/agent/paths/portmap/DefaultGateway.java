package dev.trellis.agent.paths.portmap;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The IPv4 default gateway of this network namespace, from the kernel's routing table ({@code
 * /proc/net/route}: destination and gateway in hexadecimal, least significant byte first).
 *
 * <p>Thread-safety: stateless.
 */
public final class DefaultGateway {
  private static final Path ROUTES = Path.of("/proc/net/route");

  private DefaultGateway() {}

  /** The default gateway, or {@code null} if there is none (or the table cannot be read). */
  public static InetAddress find() {
    try {
      return parse(Files.readString(ROUTES, StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The gateway of the first default route with one in {@code table}'s text, or {@code null}. */
  static InetAddress parse(String table) {
    for (String line : table.lines().skip(1).toList()) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4 || !f[1].equals("00000000") || f[2].equals("00000000")) {
        continue;
      }
      try {
        int flags = Integer.parseInt(f[3], 16);
        if ((flags & 0x3) != 0x3) { // RTF_UP | RTF_GATEWAY
          continue;
        }
        long g = Long.parseLong(f[2], 16);
        return NatPmp.ipv4(
            new byte[] {(byte) g, (byte) (g >>> 8), (byte) (g >>> 16), (byte) (g >>> 24)});
      } catch (NumberFormatException e) {
        // not a route line
      }
    }
    return null;
  }
}
