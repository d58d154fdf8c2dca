package dev.trellis.agent.netconf;

import dev.trellis.agent.device.IpPrefix;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Configures the kernel side of a TUN interface through iproute2: MTU, addresses, link up, and a
 * route for each peer prefix that no interface address already covers. Default routes ({@code /0})
 * are not installed — sending all traffic into the tunnel needs policy routing, which the
 * standalone mode does not do — and are reported back as skipped.
 *
 * <p>Thread-safety: stateless apart from the immutable {@link IpCommand}.
 */
public final class LinkSetup {
  private final IpCommand ip;

  public LinkSetup(IpCommand ip) {
    this.ip = ip;
  }

  /**
   * Sets the MTU, adds the addresses, brings the link up and adds routes for {@code routes}.
   *
   * @return the routes that were skipped (default routes), for the caller to warn about
   */
  public List<IpPrefix> apply(
      String dev, int mtu, List<InterfaceAddress> addresses, List<IpPrefix> routes)
      throws IOException {
    ip.run("link", "set", "dev", dev, "mtu", Integer.toString(mtu));
    for (InterfaceAddress a : addresses) {
      if (a.address() instanceof java.net.Inet6Address) {
        ip.run("-6", "address", "replace", a.toString(), "dev", dev, "nodad");
      } else {
        ip.run("-4", "address", "replace", a.toString(), "dev", dev);
      }
    }
    ip.run("link", "set", "dev", dev, "up");
    List<IpPrefix> skipped = new ArrayList<>();
    for (IpPrefix r : routes) {
      if (r.bits() == 0) {
        skipped.add(r);
        continue;
      }
      if (coveredByAddress(r, addresses)) {
        continue;
      }
      String family = r.address() instanceof java.net.Inet6Address ? "-6" : "-4";
      ip.run(family, "route", "replace", r.toString(), "dev", dev);
    }
    return skipped;
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
      IpPrefix net = a.network();
      if (net.bits() <= route.bits() && net.contains(route.address().getAddress())) {
        return true;
      }
    }
    return false;
  }
}
