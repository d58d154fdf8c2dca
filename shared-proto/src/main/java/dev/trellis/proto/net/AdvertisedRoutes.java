package dev.trellis.proto.net;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * What a device may offer to route for its tailnet, checked the same way wherever a route enters:
 * the agent's {@code --advertise-routes} flag, the routes a map request reports, and an
 * administrator's approval. A subnet route is a canonical CIDR (no host bits set) that is not a
 * default route and does not overlap the tailnet's own ranges (100.64.0.0/10 and
 * fd7a:115c:a1e0::/48, which the tunnel already routes); an exit node offers exactly 0.0.0.0/0 and
 * ::/0 together. Errors name the offending text, escaped.
 *
 * <p>Thread-safety: stateless.
 */
public final class AdvertisedRoutes {
  /** The IPv4 default route an exit node offers. */
  public static final IpPrefix EXIT_V4 = IpPrefix.parse("0.0.0.0/0");

  /** The IPv6 default route an exit node offers. */
  public static final IpPrefix EXIT_V6 = IpPrefix.parse("::/0");

  /** The tailnet's IPv4 range. */
  public static final IpPrefix TAILNET_V4 = IpPrefix.parse("100.64.0.0/10");

  /** The tailnet's IPv6 range. */
  public static final IpPrefix TAILNET_V6 = IpPrefix.parse("fd7a:115c:a1e0::/48");

  /** At most this many routes per node. */
  public static final int MAX_ROUTES = 256;

  private AdvertisedRoutes() {}

  /**
   * Parses one subnet route, e.g. {@code 192.168.1.0/24}.
   *
   * @throws IllegalArgumentException naming what is wrong: not a CIDR, host bits set, a default
   *     route (which only {@code --advertise-exit-node} offers), or an overlap with the tailnet's
   *     ranges
   */
  public static IpPrefix subnet(String text) {
    IpPrefix p = strict(text);
    if (p.bits() == 0) {
      throw new IllegalArgumentException(
          IpLiteral.quote(text)
              + " is a default route; offer it with --advertise-exit-node, not as a subnet");
    }
    for (IpPrefix tailnet : List.of(TAILNET_V4, TAILNET_V6)) {
      if (tailnet.contains(p) || p.contains(tailnet)) {
        throw new IllegalArgumentException(
            IpLiteral.quote(text) + " overlaps the tailnet's own range " + tailnet);
      }
    }
    return p;
  }

  /** A prefix written exactly in canonical form: an explicit length and no host bits. */
  private static IpPrefix strict(String text) {
    if (text == null || text.indexOf('/') < 0) {
      throw new IllegalArgumentException(
          IpLiteral.quote(text) + " is not a CIDR (write it as address/length, e.g. 10.0.0.0/24)");
    }
    IpPrefix p = IpPrefix.parse(text);
    String host = text.strip().substring(0, text.strip().indexOf('/'));
    if (!java.util.Arrays.equals(IpLiteral.parse(host).getAddress(), p.address().getAddress())) {
      throw new IllegalArgumentException(
          IpLiteral.quote(text) + " has host bits set; the network is " + p);
    }
    return p;
  }

  /**
   * The canonical, sorted, de-duplicated set a device offers: {@code subnets} (each checked by
   * {@link #subnet}) plus both default routes when {@code exitNode}.
   *
   * @throws IllegalArgumentException for the first bad route, or too many
   */
  public static List<String> offer(Collection<String> subnets, boolean exitNode) {
    TreeSet<String> out = new TreeSet<>();
    for (String s : subnets) {
      out.add(subnet(s).toString());
    }
    if (exitNode) {
      out.add(EXIT_V4.toString());
      out.add(EXIT_V6.toString());
    }
    if (out.size() > MAX_ROUTES) {
      throw new IllegalArgumentException(
          "too many routes (" + out.size() + "); at most " + MAX_ROUTES);
    }
    return List.copyOf(out);
  }

  /**
   * Checks a reported or approved route list as a whole: every entry a subnet route or one of the
   * two default routes, the default routes only together, at most {@link #MAX_ROUTES}. Returns it
   * canonical, sorted and de-duplicated.
   *
   * @throws IllegalArgumentException for the first problem
   */
  public static List<String> checked(Collection<String> routes) {
    List<String> subnets = new ArrayList<>();
    boolean v4 = false;
    boolean v6 = false;
    for (String r : routes) {
      if (r != null && r.strip().equals(EXIT_V4.toString())) {
        v4 = true;
      } else if (r != null && r.strip().equals(EXIT_V6.toString())) {
        v6 = true;
      } else {
        subnets.add(r);
      }
    }
    if (v4 != v6) {
      throw new IllegalArgumentException(
          "an exit node offers both 0.0.0.0/0 and ::/0; only one of them was given");
    }
    return offer(subnets, v4);
  }

  /** Whether {@code route} is one of the two default routes (an exit node's). */
  public static boolean isExit(String route) {
    return route.equals(EXIT_V4.toString()) || route.equals(EXIT_V6.toString());
  }
}
