package dev.trellis.agent.device;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses numeric IPv4 and IPv6 literals without ever consulting DNS (unlike {@link
 * InetAddress#getByName}, which resolves anything that is not a literal).
 *
 * <p>Thread-safety: stateless.
 */
public final class IpLiteral {
  private IpLiteral() {}

  /** Parses a numeric address; throws {@link IllegalArgumentException} for anything else. */
  public static InetAddress parse(String text) {
    String s = text == null ? "" : text.trim();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+");
    if (!v4 && !v6) {
      throw new IllegalArgumentException("not a numeric IP address: '" + text + "'");
    }
    if (v4) {
      for (String part : s.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          throw new IllegalArgumentException("not a numeric IP address: '" + text + "'");
        }
      }
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not a numeric IP address: '" + text + "'", e);
    }
  }
}
