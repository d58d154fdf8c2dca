package dev.trellis.agent.netconf;

import dev.trellis.proto.net.IpLiteral;
import dev.trellis.proto.net.IpPrefix;
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

  /**
   * Parses {@code 10.0.0.1/24}, {@code fd00::1/64} or a bare address (a host address), with the
   * errors of {@link IpPrefix#parse}.
   */
  public static InterfaceAddress parse(String text) {
    int bits = IpPrefix.parse(text).bits(); // checks the address and the length
    String s = text.strip();
    int slash = s.indexOf('/');
    return new InterfaceAddress(IpLiteral.parse(slash < 0 ? s : s.substring(0, slash)), bits);
  }

  /** The connected network this address lies in. */
  public IpPrefix network() {
    return IpPrefix.of(address, bits);
  }

  /** {@code 10.0.0.1/24}, {@code fd00:0:0:0:0:0:0:1/64} (Java's full IPv6 form, no zone). */
  @Override
  public String toString() {
    String host = address.getHostAddress();
    int zone = host.indexOf('%');
    return (zone < 0 ? host : host.substring(0, zone)) + "/" + bits;
  }
}
