package dev.trellis.agent.device;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 or IPv6 prefix such as {@code 10.0.0.0/24} or {@code fd00::/64}. The address is masked to
 * the prefix length on construction, so equal prefixes compare equal.
 *
 * @param address the network address (4 or 16 bytes), masked
 * @param bits the prefix length, 0-32 for IPv4 and 0-128 for IPv6
 */
public record IpPrefix(InetAddress address, int bits) {
  public IpPrefix {
    if (address == null) {
      throw new IllegalArgumentException("prefix address is required");
    }
    int max = address.getAddress().length * 8;
    if (bits < 0 || bits > max) {
      throw new IllegalArgumentException("prefix length " + bits + " out of range 0-" + max);
    }
    byte[] raw = address.getAddress();
    for (int i = 0; i < raw.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - i * 8));
      raw[i] &= (byte) (0xff << (8 - keep));
    }
    try {
      address = InetAddress.getByAddress(raw);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Parses {@code a.b.c.d/n}, {@code x::y/n}, or a bare address (a host prefix). Only numeric
   * addresses are accepted; nothing is resolved by DNS.
   */
  public static IpPrefix parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty IP prefix");
    }
    String s = text.trim();
    int slash = s.indexOf('/');
    String host = slash < 0 ? s : s.substring(0, slash);
    InetAddress address = IpLiteral.parse(host);
    int max = address.getAddress().length * 8;
    int bits = max;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in '" + s + "'");
      }
    }
    return new IpPrefix(address, bits);
  }

  /** Whether {@code ip} (4 or 16 bytes) lies inside this prefix. */
  public boolean contains(byte[] ip) {
    byte[] net = address.getAddress();
    if (ip.length != net.length) {
      return false;
    }
    int full = bits / 8;
    for (int i = 0; i < full; i++) {
      if (ip[i] != net[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (ip[full] & mask) == (net[full] & mask);
  }

  /** {@code 10.0.0.0/24}. */
  @Override
  public String toString() {
    return address.getHostAddress() + "/" + bits;
  }
}
