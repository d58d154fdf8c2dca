package dev.trellis.agent.dns;

import dev.trellis.proto.net.IpLiteral;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes the resolv.conf(5) format: the {@code nameserver} lines of a file (as upstreams,
 * port 53; this resolver's own addresses left out, so that a backup taken while it was configured
 * cannot make it forward to itself) and the file this device writes.
 *
 * <p>Thread-safety: stateless.
 */
final class ResolvConfText {
  /** The first line of every file this device writes; how it recognises its own. */
  static final String MARKER = "# Written by trellisd (MagicDNS).";

  private ResolvConfText() {}

  /** The file's bytes as text, or "" when it cannot be read. */
  static String readQuietly(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** The usable {@code nameserver} entries of {@code text}, in order. */
  static List<Upstream> nameservers(String text) {
    List<Upstream> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] words = line.strip().split("\\s+");
      if (words.length >= 2 && words[0].equals("nameserver")) {
        String addr = words[1];
        int zone = addr.indexOf('%');
        if (zone >= 0) {
          addr = addr.substring(0, zone);
        }
        Upstream u = Upstream.parse(addr.contains(":") ? "[" + addr + "]" : addr);
        if (u != null && !out.contains(u)) {
          out.add(u);
        }
      }
    }
    return out;
  }

  /** Whether {@code text} is a file this device wrote. */
  static boolean ours(String text) {
    return text.startsWith(MARKER);
  }

  /** The file for {@code config}: the nameservers and the search domains. */
  static String render(OsDnsConfig config) {
    StringBuilder b = new StringBuilder(MARKER).append('\n');
    b.append(
            "# The previous file is put back by 'trellis down', 'trellis logout' and when trellisd")
        .append(" stops.\n");
    for (InetAddress a : config.nameservers()) {
      b.append("nameserver ").append(IpLiteral.format(a)).append('\n');
    }
    if (!config.searchDomains().isEmpty()) {
      b.append("search ").append(String.join(" ", config.searchDomains())).append('\n');
    }
    return b.toString();
  }
}
