package dev.trellis.keys.lifecycle;

import dev.trellis.proto.net.AdvertisedRoutes;
import java.util.ArrayList;
import java.util.List;

/**
 * A route set as people read it in the audit: the subnets, then {@code exit node} for the two
 * default routes together, or {@code none}.
 *
 * <p>Thread-safety: stateless.
 */
public final class RouteText {
  private RouteText() {}

  /** {@code 10.0.0.0/24, 192.168.1.0/24, exit node}; {@code none} for no route. */
  public static String describe(List<String> routes) {
    List<String> parts = new ArrayList<>();
    boolean v4 = false;
    boolean v6 = false;
    for (String r : routes) {
      if (r.equals(AdvertisedRoutes.EXIT_V4.toString())) {
        v4 = true;
      } else if (r.equals(AdvertisedRoutes.EXIT_V6.toString())) {
        v6 = true;
      } else {
        parts.add(r);
      }
    }
    if (v4 && v6) {
      parts.add("exit node");
    } else if (v4 || v6) {
      parts.add(v4 ? AdvertisedRoutes.EXIT_V4.toString() : AdvertisedRoutes.EXIT_V6.toString());
    }
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }
}
