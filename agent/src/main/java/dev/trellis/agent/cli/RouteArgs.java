package dev.trellis.agent.cli;

import dev.trellis.agent.routes.RoutePrefs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The route flags {@code trellis up} and {@code trellis set} share, checked before anything is
 * sent: {@code --advertise-routes CIDR,...} (empty clears), {@code --advertise-exit-node[=bool]},
 * {@code --accept-routes[=bool]}, {@code --exit-node PEER} (empty clears), {@code
 * --exit-node-allow-lan-access[=bool]}, {@code --snat-subnet-routes[=bool]}. They travel as the
 * request's {@code advertise_routes}, ... fields; only the flags given change anything.
 *
 * <p>Thread-safety: stateless.
 */
final class RouteArgs {
  /** Flags that are true when given bare. */
  static final Set<String> BOOLEANS =
      Set.of(
          "advertise-exit-node",
          "accept-routes",
          "exit-node-allow-lan-access",
          "snat-subnet-routes");

  /** Flags whose value may be empty (clears). */
  static final Set<String> CLEARABLE = Set.of("advertise-routes", "exit-node");

  /** Every route flag that takes a value (booleans as {@code --name=bool}). */
  static final Set<String> VALUED = union(BOOLEANS, CLEARABLE);

  private RouteArgs() {}

  /**
   * {@code args} with each bare boolean flag ({@code --accept-routes}) written as {@code =true}.
   */
  static List<String> expandBooleans(List<String> args, Set<String> booleans) {
    List<String> out = new ArrayList<>();
    for (String a : args) {
      out.add(a.startsWith("--") && booleans.contains(a.substring(2)) ? a + "=true" : a);
    }
    return out;
  }

  /**
   * Puts the route flags {@code f} holds into {@code fields}, checked.
   *
   * @throws UsageError naming the flag: a route that is not a valid subnet route, or a boolean that
   *     is neither true nor false
   */
  static void put(Flags f, Map<String, String> fields) throws UsageError {
    if (f.has("advertise-routes")) {
      try {
        fields.put(
            "advertise_routes",
            String.join(",", RoutePrefs.parseRoutes(f.get("advertise-routes", ""))));
      } catch (IllegalArgumentException e) {
        throw new UsageError("--advertise-routes: " + e.getMessage());
      }
    }
    for (String b :
        List.of(
            "advertise-exit-node",
            "accept-routes",
            "exit-node-allow-lan-access",
            "snat-subnet-routes")) {
      String v = f.get(b, null);
      if (v != null) {
        if (!v.equals("true") && !v.equals("false")) {
          throw new UsageError("--" + b + ": expected true or false, got '" + v + "'");
        }
        fields.put(b.replace('-', '_'), v);
      }
    }
    if (f.has("exit-node")) {
      fields.put("exit_node", f.get("exit-node", "").strip());
    }
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    java.util.HashSet<String> all = new java.util.HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
