package dev.trellis.agent.routes;

import dev.trellis.proto.net.IpPrefix;
import java.util.ArrayList;
import java.util.List;

/**
 * One route in the agent's own routing table ({@link RoutePlan#TABLE}): into the TUN ({@code PREFIX
 * dev TUN src OWN}) or a {@code throw} route that sends the lookup on to the next rule (the main
 * table) for the control server, the relays and, with LAN access, the local networks.
 *
 * @param prefix the destination
 * @param dev the TUN for a route into it, or null for a {@code throw} route
 * @param src the preferred source (this node's tailnet address of the family), or null
 *     <p>Thread-safety: immutable.
 */
public record TableRoute(IpPrefix prefix, String dev, String src) {
  /** A route into {@code dev}. */
  public static TableRoute into(IpPrefix prefix, String dev, String src) {
    return new TableRoute(prefix, dev, src);
  }

  /** A {@code throw} route. */
  public static TableRoute bypass(IpPrefix prefix) {
    return new TableRoute(prefix, null, null);
  }

  /** Whether the route is for IPv6. */
  public boolean v6() {
    return prefix.isIpv6();
  }

  /** Whether it is a {@code throw} route. */
  public boolean isThrow() {
    return dev == null;
  }

  /** The {@code ip} arguments that install (or replace) it. */
  public List<String> installArgs() {
    List<String> a = new ArrayList<>(List.of(v6() ? "-6" : "-4", "route", "replace"));
    if (isThrow()) {
      a.add("throw");
    }
    a.add(prefix.toString());
    if (!isThrow()) {
      a.addAll(List.of("dev", dev));
      if (src != null) {
        a.addAll(List.of("src", src));
      }
    }
    a.addAll(List.of("table", Integer.toString(RoutePlan.TABLE)));
    return a;
  }

  /** The {@code ip} arguments that delete it. */
  public List<String> deleteArgs() {
    List<String> a = new ArrayList<>(List.of(v6() ? "-6" : "-4", "route", "del"));
    if (isThrow()) {
      a.add("throw");
    }
    a.addAll(List.of(prefix.toString(), "table", Integer.toString(RoutePlan.TABLE)));
    return a;
  }
}
