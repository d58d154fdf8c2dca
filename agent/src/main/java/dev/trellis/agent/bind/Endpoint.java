package dev.trellis.agent.bind;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Where a datagram came from or goes to: an IP address and a UDP port. Immutable; equal endpoints
 * compare equal, so a peer's endpoint can be checked for roaming with {@code equals}.
 *
 * @param address the IPv4 or IPv6 address
 * @param port the UDP port, 0 to 65535
 */
public record Endpoint(InetAddress address, int port) {

  public Endpoint {
    if (address == null) {
      throw new IllegalArgumentException("endpoint address is required");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("endpoint port out of range: " + port);
    }
  }

  /** The endpoint of a socket address. */
  public static Endpoint of(InetSocketAddress address) {
    return new Endpoint(address.getAddress(), address.getPort());
  }

  /** This endpoint as a socket address. */
  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(address, port);
  }

  /** {@code 1.2.3.4:51820} or {@code [fd00::1]:51820}, as {@code wg show} prints endpoints. */
  @Override
  public String toString() {
    String host = address.getHostAddress();
    int zone = host.indexOf('%');
    if (zone >= 0) {
      host = host.substring(0, zone);
    }
    return (address instanceof java.net.Inet6Address ? "[" + host + "]" : host) + ":" + port;
  }
}
