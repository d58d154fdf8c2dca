package dev.trellis.proto.net;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * Numeric IPv4 and IPv6 addresses as text. {@link #parse} never consults DNS (unlike {@link
 * InetAddress#getByName}, which resolves anything that is not a literal) and takes only the
 * dotted-quad form of IPv4; {@link #format} writes the canonical form (RFC 5952 for IPv6: lower
 * case, no leading zeros, the longest run of two or more zero groups as {@code ::}, and an
 * IPv4-mapped address as {@code ::ffff:a.b.c.d}).
 *
 * <p>Thread-safety: stateless.
 */
public final class IpLiteral {
  private static final int QUOTE_LIMIT = 64;

  private IpLiteral() {}

  /**
   * Parses {@code 192.0.2.1}, {@code 2001:db8::1} or {@code [2001:db8::1]} (surrounding white space
   * is ignored); an IPv4-mapped IPv6 address yields the IPv4 address. Throws {@link
   * IllegalArgumentException} ("malformed IP address '...'") for anything else.
   */
  public static InetAddress parse(String text) {
    String s = text == null ? "" : text.strip();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1);
    }
    boolean v4 = isDottedQuad(s);
    boolean v6 = !v4 && s.indexOf(':') >= 0 && s.chars().allMatch(IpLiteral::isV6Char);
    if (v4 || v6) {
      try {
        return InetAddress.ofLiteral(s);
      } catch (IllegalArgumentException e) {
        // falls through to the error below
      }
    }
    throw new IllegalArgumentException("malformed IP address " + quote(text));
  }

  /** The canonical text of {@code address} (no zone, RFC 5952 for IPv6). */
  public static String format(InetAddress address) {
    if (address instanceof Inet4Address) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    if (isV4Mapped(b)) {
      return "::ffff:"
          + (b[12] & 0xff)
          + "."
          + (b[13] & 0xff)
          + "."
          + (b[14] & 0xff)
          + "."
          + (b[15] & 0xff);
    }
    int[] w = new int[8];
    for (int i = 0; i < 8; i++) {
      w[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1; // a single zero group is never shortened
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && w[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder s = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        s.append("::");
        i += bestLen - 1;
        continue;
      }
      if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(w[i]));
    }
    return s.toString();
  }

  /**
   * {@code text} in single quotes for an error message, with control characters escaped and at most
   * 64 characters kept, since it may come from anywhere.
   */
  static String quote(String text) {
    if (text == null) {
      return "(none)";
    }
    StringBuilder q = new StringBuilder("'");
    for (int i = 0; i < text.length() && i < QUOTE_LIMIT; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f || Character.getType(c) == Character.FORMAT) {
        q.append(String.format("\\u%04x", (int) c));
      } else {
        q.append(c);
      }
    }
    return q.append(text.length() > QUOTE_LIMIT ? "...'" : "'").toString();
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
  }

  private static boolean isDottedQuad(String s) {
    int parts = 0;
    int digits = 0;
    int value = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i < s.length() ? s.charAt(i) : '.';
      if (c == '.') {
        if (digits == 0 || value > 255) {
          return false;
        }
        parts++;
        digits = 0;
        value = 0;
      } else if (c >= '0' && c <= '9' && digits < 3) {
        value = value * 10 + (c - '0');
        digits++;
      } else {
        return false;
      }
    }
    return parts == 4;
  }

  private static boolean isV6Char(int c) {
    return (c >= '0' && c <= '9')
        || (c >= 'a' && c <= 'f')
        || (c >= 'A' && c <= 'F')
        || c == ':'
        || c == '.';
  }
}
