package dev.trellis.agent.filter;

import java.net.InetAddress;

/**
 * An IPv4 or IPv6 prefix as two longs and a length, for allocation-free matching against parsed
 * headers. IPv4 addresses sit in the low 32 bits of {@code lo}.
 *
 * @param v6 whether this is an IPv6 prefix
 * @param hi first 64 bits of an IPv6 address (0 for IPv4), masked
 * @param lo last 64 bits of an IPv6 address, or the IPv4 address, masked
 * @param bits prefix length
 *     <p>Thread-safety: immutable.
 */
record Prefix(boolean v6, long hi, long lo, int bits) {
  /** Parses "a.b.c.d/n", "x::y/n" or a bare address; throws IllegalArgumentException. */
  static Prefix parse(String text) {
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    if (addr.isEmpty()
        || !addr.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
      throw new IllegalArgumentException("not an IP prefix: '" + text + "'");
    }
    byte[] a = InetAddress.ofLiteral(addr).getAddress();
    int max = a.length * 8;
    int bits = max;
    if (slash >= 0) {
      String n = text.substring(slash + 1);
      if (n.isEmpty() || n.length() > 3 || !n.chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("bad prefix length in '" + text + "'");
      }
      bits = Integer.parseInt(n);
      if (bits > max) {
        throw new IllegalArgumentException("prefix length too long in '" + text + "'");
      }
    }
    if (a.length == 4) {
      long v = PacketHeaders.u32(a, 0);
      return new Prefix(false, 0, v & mask32(bits), bits);
    }
    long hi = PacketHeaders.u64(a, 0);
    long lo = PacketHeaders.u64(a, 8);
    return new Prefix(true, hi & maskHi(bits), lo & maskLo(bits), bits);
  }

  static long mask32(int bits) {
    return bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
  }

  static long maskHi(int bits) {
    return bits >= 64 ? -1L : bits == 0 ? 0 : -1L << (64 - bits);
  }

  static long maskLo(int bits) {
    return bits <= 64 ? 0 : bits >= 128 ? -1L : -1L << (128 - bits);
  }

  /** Whether the address (version given by {@code isV6}) lies in this prefix. */
  boolean contains(boolean isV6, long addrHi, long addrLo) {
    if (isV6 != v6) {
      return false;
    }
    if (!v6) {
      return (addrLo & mask32(bits)) == lo;
    }
    return (addrHi & maskHi(bits)) == hi && (addrLo & maskLo(bits)) == lo;
  }

  /** Whether this is a single address (/32 or /128). */
  boolean isHost() {
    return bits == (v6 ? 128 : 32);
  }
}
