package dev.trellis.ipam.address;

import java.util.Objects;

/**
 * The addresses of one node, without prefix lengths: an IPv4 address from 100.64.0.0/10 and an IPv6
 * address from fd7a:115c:a1e0::/48. Also the JSON answer of the allocation endpoint.
 *
 * <p>Thread-safety: immutable.
 *
 * @param ipv4 e.g. {@code 100.64.0.3}
 * @param ipv6 e.g. {@code fd7a:115c:a1e0::6440:3}
 */
public record NodeAddresses(String ipv4, String ipv6) {
  public NodeAddresses {
    Objects.requireNonNull(ipv4, "ipv4");
    Objects.requireNonNull(ipv6, "ipv6");
  }

  /** The form stored in the projection: {@code "<ipv4> <ipv6>"}. */
  public String stored() {
    return ipv4 + " " + ipv6;
  }

  /** Parses {@link #stored()}. */
  public static NodeAddresses fromStored(String text) {
    int space = text.indexOf(' ');
    return space < 0
        ? new NodeAddresses(text, "")
        : new NodeAddresses(text.substring(0, space), text.substring(space + 1));
  }
}
