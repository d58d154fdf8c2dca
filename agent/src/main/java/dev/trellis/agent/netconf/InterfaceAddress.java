package dev.trellis.agent.netconf;

import dev.trellis.agent.device.IpLiteral;
import dev.trellis.agent.device.IpPrefix;
import java.net.InetAddress;

/**
 * An address assigned to an interface with its prefix length, such as {@code 10.0.0.1/24} (unlike
 * {@link IpPrefix}, the host bits are kept).
 *
 * @param address the IPv4 or IPv6 address
 * @param bits the prefix length of the connected network
 */
public record InterfaceAddress(InetAddress address, int bits) {
  public InterfaceAddress {
    if (address == null) {
      throw new IllegalArgumentException("interface address is required");
    }
    int max = address.getAddress().length * 8;
    if (bits < 0 || bits > max) {
      throw new IllegalArgumentException("prefix length " + bits + " out of range 0-" + max);
    }
  }

  /** Parses {@code 10.0.0.1/24}, {@code fd00::1/64} or a bare address (a host address). */
  public static InterfaceAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty interface address");
    }
    String s = text.trim();
    int slash = s.indexOf('/');
    InetAddress address = IpLiteral.parse(slash < 0 ? s : s.substring(0, slash));
    int bits = address.getAddress().length * 8;
    if (slash >= 0) {
      try {
        bits = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad prefix length in '" + s + "'");
      }
    }
    return new InterfaceAddress(address, bits);
  }

  /** The connected network this address lies in. */
  public IpPrefix network() {
    return new IpPrefix(address, bits);
  }

  /** {@code 10.0.0.1/24}. */
  @Override
  public String toString() {
    String host = address.getHostAddress();
    int zone = host.indexOf('%');
    return (zone < 0 ? host : host.substring(0, zone)) + "/" + bits;
  }
}
