package dev.trellis.proto.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 prefix (CIDR) such as {@code 100.64.0.0/10} or {@code fd7a:115c:a1e0::/48}, in
 * canonical form: the host bits past the prefix length are cleared, so equal networks are equal
 * prefixes, and {@link #toString} writes the canonical text. A bare address is a host prefix (/32
 * or /128). An address written in IPv6 form stays IPv6, IPv4-mapped ones too ({@code
 * ::ffff:0:0/96}), as in Go's {@code netip}.
 *
 * <p>The address is held as two longs ({@link #hi}, {@link #lo}; an IPv4 address sits in the low 32
 * bits of {@code lo}), so that {@link #contains(boolean, long, long)} matches the addresses of a
 * parsed packet header without allocating or boxing: the packet filter's hot path.
 *
 * <p>Thread-safety: immutable.
 */
public final class IpPrefix {
  private final boolean v6;
  private final long hi;
  private final long lo;
  private final int bits;

  private IpPrefix(boolean v6, long hi, long lo, int bits) {
    this.v6 = v6;
    this.bits = bits;
    this.hi = v6 ? hi & maskHi(bits) : 0;
    this.lo = v6 ? lo & maskLo(bits) : lo & mask32(bits);
  }

  /**
   * Parses {@code a.b.c.d/n}, {@code x::y/n} or a bare address (a host prefix); surrounding white
   * space is ignored, host bits are cleared ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}, as Go's
   * {@code netip.ParsePrefix(...).Masked()} and Tailscale's policies have it). Only numeric
   * addresses are taken; nothing is resolved. Throws {@link IllegalArgumentException} naming what
   * is wrong: a malformed IP address, a malformed prefix length, or one longer than the address.
   */
  public static IpPrefix parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty IP prefix");
    }
    String s = text.strip();
    int slash = s.indexOf('/');
    String host = slash < 0 ? s : s.substring(0, slash);
    byte[] a = IpLiteral.parse(host).getAddress();
    if (a.length == 4 && host.indexOf(':') >= 0) {
      a = mapped(a); // written as IPv6 (::ffff:a.b.c.d), so an IPv6 prefix, as in Go's netip
    }
    int max = a.length * 8;
    int bits = max;
    if (slash >= 0) {
      String n = s.substring(slash + 1);
      if (n.isEmpty() || n.length() > 3 || !n.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new IllegalArgumentException("malformed prefix length in " + IpLiteral.quote(text));
      }
      bits = Integer.parseInt(n);
      if (bits > max) {
        throw new IllegalArgumentException(
            "prefix length " + bits + " is longer than " + max + " in " + IpLiteral.quote(text));
      }
    }
    return of(a, bits);
  }

  /**
   * Whether {@code text} is written like an address or prefix (digits and dots with a dot, or hex
   * digits and colons with a colon, then optionally {@code /n}), so that a parser that takes names
   * or addresses knows which it has; {@link #parse} then says whether it is a good one.
   */
  public static boolean looksLikePrefix(String text) {
    if (text == null) {
      return false;
    }
    int slash = text.indexOf('/');
    String s = slash < 0 ? text : text.substring(0, slash);
    if (s.isEmpty()) {
      return false;
    }
    if (s.indexOf(':') >= 0) {
      return s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
    }
    return s.indexOf('.') >= 0 && s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
  }

  /** The prefix of length {@code bits} around {@code address}, its host bits cleared. */
  public static IpPrefix of(InetAddress address, int bits) {
    if (address == null) {
      throw new IllegalArgumentException("prefix address is required");
    }
    return of(address.getAddress(), bits);
  }

  private static IpPrefix of(byte[] a, int bits) {
    int max = a.length * 8;
    if (bits < 0 || bits > max) {
      throw new IllegalArgumentException("prefix length " + bits + " out of range 0-" + max);
    }
    return a.length == 4
        ? new IpPrefix(false, 0, u32(a, 0), bits)
        : new IpPrefix(true, u64(a, 0), u64(a, 8), bits);
  }

  /**
   * The prefix from its parts as {@link #hi}/{@link #lo} give them, or null if {@code bits} is out
   * of range or a host bit past it is set (for decoders that refuse non-canonical input).
   */
  static IpPrefix canonicalOrNull(boolean v6, long hi, long lo, int bits) {
    if (bits < 0 || bits > (v6 ? 128 : 32) || (!v6 && (hi != 0 || (lo >>> 32) != 0))) {
      return null;
    }
    IpPrefix p = new IpPrefix(v6, hi, lo, bits);
    return p.hi == hi && p.lo == lo ? p : null;
  }

  /** The host prefix of {@code address}: /32 for IPv4, /128 for IPv6. */
  public static IpPrefix of(InetAddress address) {
    return of(address, address == null ? 0 : address.getAddress().length * 8);
  }

  /** The network address (the prefix's first address); an IPv6 one stays an Inet6Address. */
  public InetAddress address() {
    try {
      return v6
          ? Inet6Address.getByAddress(null, toBytes(), -1)
          : InetAddress.getByAddress(toBytes());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes are always an address", e);
    }
  }

  /** The network address's 4 or 16 bytes. */
  public byte[] toBytes() {
    byte[] b = new byte[v6 ? 16 : 4];
    if (v6) {
      put64(b, 0, hi);
      put64(b, 8, lo);
    } else {
      put64(b, -4, lo);
    }
    return b;
  }

  /** The prefix length: 0-32 for IPv4, 0-128 for IPv6. */
  public int bits() {
    return bits;
  }

  /** Whether this is an IPv6 prefix. */
  public boolean isIpv6() {
    return v6;
  }

  /** Whether this is an IPv4 prefix. */
  public boolean isIpv4() {
    return !v6;
  }

  /** The first 64 bits of an IPv6 network address; 0 for IPv4. */
  public long hi() {
    return hi;
  }

  /** The last 64 bits of an IPv6 network address, or the IPv4 address in the low 32 bits. */
  public long lo() {
    return lo;
  }

  /** Whether this is a single address (/32 or /128). */
  public boolean isHost() {
    return bits == (v6 ? 128 : 32);
  }

  /**
   * Whether the address given as longs lies in this prefix, without allocating: {@code isV6} says
   * the family; an IPv4 address is in the low 32 bits of {@code addrLo} and {@code addrHi} is
   * ignored.
   */
  public boolean contains(boolean isV6, long addrHi, long addrLo) {
    if (isV6 != v6) {
      return false;
    }
    if (!v6) {
      return (addrLo & mask32(bits)) == lo;
    }
    return (addrHi & maskHi(bits)) == hi && (addrLo & maskLo(bits)) == lo;
  }

  /** Whether the 4- or 16-byte address lies in this prefix. */
  public boolean contains(byte[] address) {
    if (address == null || address.length != (v6 ? 16 : 4)) {
      return false;
    }
    return v6
        ? contains(true, u64(address, 0), u64(address, 8))
        : contains(false, 0, u32(address, 0));
  }

  /** Whether {@code address} lies in this prefix. */
  public boolean contains(InetAddress address) {
    return address != null && contains(address.getAddress());
  }

  /** Whether every address of {@code other} lies in this prefix. */
  public boolean contains(IpPrefix other) {
    return other.bits >= bits && contains(other.v6, other.hi, other.lo);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpPrefix p && p.v6 == v6 && p.hi == hi && p.lo == lo && p.bits == bits;
  }

  @Override
  public int hashCode() {
    return (Long.hashCode(hi) * 31 + Long.hashCode(lo)) * 31 + bits + (v6 ? 1 << 8 : 0);
  }

  /** The canonical text: {@code 100.64.0.0/10}, {@code fd7a:115c:a1e0::/48}. */
  @Override
  public String toString() {
    return IpLiteral.format(address()) + "/" + bits;
  }

  /** The IPv4-mapped IPv6 form {@code ::ffff:a.b.c.d} of a 4-byte address. */
  private static byte[] mapped(byte[] v4) {
    byte[] b = new byte[16];
    b[10] = (byte) 0xff;
    b[11] = (byte) 0xff;
    System.arraycopy(v4, 0, b, 12, 4);
    return b;
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

  private static long u32(byte[] b, int at) {
    return (b[at] & 0xffL) << 24
        | (b[at + 1] & 0xffL) << 16
        | (b[at + 2] & 0xffL) << 8
        | (b[at + 3] & 0xffL);
  }

  private static long u64(byte[] b, int at) {
    return u32(b, at) << 32 | u32(b, at + 4);
  }

  /** Writes {@code v} big-endian at {@code b[at]}, skipping bytes before the array's start. */
  private static void put64(byte[] b, int at, long v) {
    for (int i = 0; i < 8; i++) {
      if (at + i >= 0) {
        b[at + i] = (byte) (v >>> (56 - 8 * i));
      }
    }
  }
}
