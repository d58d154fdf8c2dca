package dev.trellis.agent.daemon;

import dev.trellis.agent.localapi.Request;
import dev.trellis.agent.routes.RoutePrefs;

/**
 * Applies the route fields of an {@code up} or {@code set} request ({@link Request#ROUTE_FIELDS})
 * to the route preferences: only the fields given change; a bad value is refused naming its flag.
 *
 * <p>Thread-safety: stateless.
 */
final class RouteFields {
  private RouteFields() {}

  /**
   * The preferences {@code prefs} with {@code r}'s route fields applied.
   *
   * @throws IllegalArgumentException naming the flag ({@code --advertise-routes: ...})
   */
  static RoutePrefs apply(RoutePrefs prefs, Request r) {
    RoutePrefs p = prefs;
    String routes = r.get("advertise_routes", null);
    if (routes != null) {
      try {
        p = p.withAdvertiseRoutes(RoutePrefs.parseRoutes(routes));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--advertise-routes: " + e.getMessage(), e);
      }
    }
    Boolean b = bool(r, "advertise_exit_node");
    if (b != null) {
      p = p.withAdvertiseExitNode(b);
    }
    b = bool(r, "accept_routes");
    if (b != null) {
      p = p.withAcceptRoutes(b);
    }
    b = bool(r, "exit_node_allow_lan_access");
    if (b != null) {
      p = p.withExitNodeAllowLanAccess(b);
    }
    b = bool(r, "snat_subnet_routes");
    if (b != null) {
      p = p.withSnatSubnetRoutes(b);
    }
    String exit = r.get("exit_node", null);
    if (exit != null) {
      p = p.withExitNode(exit);
    }
    return p;
  }

  private static Boolean bool(Request r, String field) {
    String v = r.get(field, null);
    if (v == null) {
      return null;
    }
    return switch (v) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default ->
          throw new IllegalArgumentException(
              "--" + field.replace('_', '-') + ": expected true or false");
    };
  }
}
