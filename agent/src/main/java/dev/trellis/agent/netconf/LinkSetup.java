package dev.trellis.agent.netconf;

import dev.trellis.proto.net.IpPrefix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Configures the kernel side of a TUN interface through iproute2: MTU, addresses, link up, and a
 * route for each peer prefix that no interface address already covers, with the first address of
 * its family as preferred source (so that a service address added later, such as the resolver's, is
 * never picked as the source of tunnel traffic). Default routes ({@code /0}) are not installed —
 * sending all traffic into the tunnel needs policy routing, which the standalone mode does not do —
 * and are reported back as skipped. Where IPv6 is disabled for the device (containers often run
 * with {@code net.ipv6.conf.all.disable_ipv6=1}), IPv6 addresses and routes are skipped and
 * reported too, so an IPv4-only host still joins the tailnet over IPv4.
 *
 * <p>Thread-safety: stateless apart from the immutable {@link IpCommand}.
 */
public final class LinkSetup {
  private final IpCommand ip;
  private final Predicate<String> ipv6Enabled;

  public LinkSetup(IpCommand ip) {
    this(ip, LinkSetup::ipv6EnabledInProcfs);
  }

  /** With {@code ipv6Enabled} telling whether a device can take IPv6 addresses. */
  public LinkSetup(IpCommand ip, Predicate<String> ipv6Enabled) {
    this.ip = ip;
    this.ipv6Enabled = ipv6Enabled;
  }

  /**
   * Whether IPv6 is on for {@code dev}: the kernel has IPv6 and the device's {@code disable_ipv6}
   * is 0.
   */
  public static boolean ipv6EnabledInProcfs(String dev) {
    Path flag = Path.of("/proc/sys/net/ipv6/conf", dev, "disable_ipv6");
    try {
      return Files.readString(flag).trim().equals("0");
    } catch (IOException | RuntimeException e) {
      return false; // no IPv6 in this kernel or namespace
    }
  }

  /**
   * Sets the MTU, adds the addresses, brings the link up and adds routes for {@code routes}.
   *
   * @return what was skipped, for the caller to warn about: default routes, and every IPv6 address
   *     (as its network) and route when IPv6 is off for the device
   */
  public List<IpPrefix> apply(
      String dev, int mtu, List<InterfaceAddress> addresses, List<IpPrefix> routes)
      throws IOException {
    ip.run("link", "set", "dev", dev, "mtu", Integer.toString(mtu));
    boolean v6 = ipv6Enabled.test(dev);
    List<IpPrefix> skipped = new ArrayList<>();
    for (InterfaceAddress a : addresses) {
      if (a.address() instanceof java.net.Inet6Address) {
        if (!v6) {
          skipped.add(a.network());
          continue;
        }
        ip.run("-6", "address", "replace", a.toString(), "dev", dev, "nodad");
      } else {
        ip.run("-4", "address", "replace", a.toString(), "dev", dev);
      }
    }
    ip.run("link", "set", "dev", dev, "up");
    for (IpPrefix r : routes) {
      boolean isV6 = r.address() instanceof java.net.Inet6Address;
      if (r.bits() == 0 || (isV6 && !v6)) {
        skipped.add(r);
        continue;
      }
      if (coveredByAddress(r, addresses)) {
        continue;
      }
      InterfaceAddress src = firstOfFamily(addresses, isV6);
      if (src == null) {
        ip.run(isV6 ? "-6" : "-4", "route", "replace", r.toString(), "dev", dev);
      } else {
        ip.run(
            isV6 ? "-6" : "-4",
            "route",
            "replace",
            r.toString(),
            "dev",
            dev,
            "src",
            src.address().getHostAddress());
      }
    }
    return skipped;
  }

  /**
   * Adds service addresses (host routes, e.g. the resolver's) to {@code dev}: IPv6 ones only when
   * the device has IPv6, and marked deprecated ({@code preferred_lft 0}) so that the kernel never
   * chooses them as a source address; they still receive and can be bound.
   *
   * @return the addresses added
   */
  public List<java.net.InetAddress> addServiceAddresses(
      String dev, List<java.net.InetAddress> addresses) throws IOException {
    List<java.net.InetAddress> added = new ArrayList<>();
    boolean v6 = ipv6Enabled.test(dev);
    for (java.net.InetAddress a : addresses) {
      if (a instanceof java.net.Inet6Address) {
        if (v6) {
          ip.run(
              "-6",
              "address",
              "replace",
              a.getHostAddress() + "/128",
              "dev",
              dev,
              "nodad",
              "preferred_lft",
              "0");
          added.add(a);
        }
      } else {
        ip.run("-4", "address", "replace", a.getHostAddress() + "/32", "dev", dev);
        added.add(a);
      }
    }
    return added;
  }

  /**
   * Removes host addresses added by {@link #addServiceAddresses}; ones already gone are skipped.
   */
  public void removeServiceAddresses(String dev, List<java.net.InetAddress> addresses) {
    for (java.net.InetAddress a : addresses) {
      boolean six = a instanceof java.net.Inet6Address;
      try {
        ip.run(
            six ? "-6" : "-4",
            "address",
            "del",
            a.getHostAddress() + (six ? "/128" : "/32"),
            "dev",
            dev);
      } catch (IOException e) {
        // already gone (the link went down or was re-addressed)
      }
    }
  }

  private static InterfaceAddress firstOfFamily(List<InterfaceAddress> addresses, boolean v6) {
    for (InterfaceAddress a : addresses) {
      if ((a.address() instanceof java.net.Inet6Address) == v6) {
        return a;
      }
    }
    return null;
  }

  /** Deletes the link if it still exists (a TUN device normally vanishes when its fd closes). */
  public void deleteIfPresent(String dev) {
    try {
      ip.run("link", "del", "dev", dev);
    } catch (IOException e) {
      // already gone
    }
  }

  private static boolean coveredByAddress(IpPrefix route, List<InterfaceAddress> addresses) {
    for (InterfaceAddress a : addresses) {
      if (a.network().contains(route)) {
        return true;
      }
    }
    return false;
  }
}
