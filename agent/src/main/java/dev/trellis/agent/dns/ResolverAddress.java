package dev.trellis.agent.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The resolver's fixed addresses, the same on every device (as Tailscale's "quad-100"): {@code
 * 100.100.100.100} and {@code fd7a:115c:a1e0::53}, port 53. IPAM never hands 100.100.100.100 to a
 * node, and {@code ::53} is outside the node range of the IPv6 prefix.
 *
 * <p>Thread-safety: constants.
 */
public final class ResolverAddress {
  /** The IPv4 address. */
  public static final InetAddress V4 = literal(new byte[] {100, 100, 100, 100});

  /** The IPv6 address. */
  public static final InetAddress V6 =
      literal(
          new byte[] {
            (byte) 0xfd, 0x7a, 0x11, 0x5c, (byte) 0xa1, (byte) 0xe0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53
          });

  /** The DNS port. */
  public static final int PORT = 53;

  private ResolverAddress() {}

  /** Whether {@code a} is one of the resolver's own addresses (never an upstream: a loop). */
  public static boolean isOwn(InetAddress a) {
    return V4.equals(a) || V6.equals(a);
  }

  private static InetAddress literal(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
