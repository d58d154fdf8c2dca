package dev.trellis.policyengine.model;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;

/**
 * An IPv4 or IPv6 prefix (CIDR) in canonical form: no bits set past the prefix length. A bare
 * address is a /32 or /128.
 *
 * <p>Thread-safety: immutable.
 */
public final class IpPrefix {
  private final byte[] bytes;
  private final int bits;

  private IpPrefix(byte[] bytes, int bits) {
    this.bytes = bytes;
    this.bits = bits;
  }

  /** The prefix holding exactly this address. */
  public static IpPrefix of(InetAddress address) {
    byte[] b = address.getAddress();
    return new IpPrefix(b, b.length * 8);
  }

  /**
   * Parses "100.64.0.0/10", "fd7a:115c:a1e0::/48" or a bare address; empty if the text is not an
   * address at all. Throws {@link IllegalArgumentException} with a readable reason when it looks
   * like an address but is malformed (bad address, bad length). Host bits past the prefix length
   * are cleared.
   */
  public static Optional<IpPrefix> parse(String text) {
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    if (!looksLikeAddress(addr)) {
      return Optional.empty();
    }
    byte[] b;
    try {
      b = InetAddress.ofLiteral(addr).getAddress();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed IP address '" + addr + "'");
    }
    int max = b.length * 8;
    int bits = max;
    if (slash >= 0) {
      String len = text.substring(slash + 1);
      if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("malformed prefix length in '" + text + "'");
      }
      bits = Integer.parseInt(len);
      if (bits > max) {
        throw new IllegalArgumentException(
            "prefix length " + bits + " is longer than " + max + " in '" + text + "'");
      }
    }
    // Like Tailscale (Go's netip.ParsePrefix), a prefix with host bits set such as
    // "100.100.101.100/24" is accepted and means its network, so existing policies load unchanged.
    return Optional.of(new IpPrefix(b, bits).masked());
  }

  private static boolean looksLikeAddress(String s) {
    if (s.isEmpty()) {
      return false;
    }
    if (s.indexOf(':') >= 0) {
      return s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }
    return s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.') && s.indexOf('.') >= 0;
  }

  private IpPrefix masked() {
    byte[] m = bytes.clone();
    for (int i = 0; i < m.length; i++) {
      int keep = Math.clamp(bits - i * 8L, 0, 8);
      m[i] &= (byte) (0xff << (8 - keep));
    }
    return new IpPrefix(m, bits);
  }

  /** The prefix's first address. */
  public InetAddress first() {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether this is an IPv4 prefix. */
  public boolean isIpv4() {
    return bytes.length == 4;
  }

  /** The prefix length. */
  public int bits() {
    return bits;
  }

  /** Whether the address lies within this prefix. */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != bytes.length) {
      return false;
    }
    int full = bits / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != bytes[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (a[full] & mask) == (bytes[full] & mask);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpPrefix p && p.bits == bits && Arrays.equals(p.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes) * 31 + bits;
  }

  /** CIDR text, e.g. "100.64.0.1/32" or "fd7a:115c:a1e0::/48". */
  @Override
  public String toString() {
    try {
      InetAddress a = InetAddress.getByAddress(bytes);
      String host = a instanceof Inet4Address ? a.getHostAddress() : compressV6(a.getHostAddress());
      return host + "/" + bits;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Shortens Java's full IPv6 text to the RFC 5952 form (longest run of zero groups as ::). */
  static String compressV6(String full) {
    String[] g = full.split(":");
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < g.length; ) {
      if (Integer.parseInt(g[i], 16) != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < g.length && Integer.parseInt(g[j], 16) == 0) {
        j++;
      }
      if (j - i > bestLen && j - i > 1) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < g.length; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(Integer.parseInt(g[i], 16)));
    }
    return sb.toString();
  }
}
