package dev.trellis.coordinator.netmap;

import dev.trellis.proto.net.AdvertisedRoutes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * Which routes are in force for each node of a tailnet and which router is primary for each subnet
 * prefix, as a pure function of the nodes' current state (so every coordinator instance, whatever
 * order it read the topics in, computes the same answer from the same state):
 *
 * <ul>
 *   <li>in force = advertised ∩ (approved by an admin ∪ approved by the policy's autoApprovers);
 *   <li>primary, per exact subnet prefix: among the nodes that are online, authorized and have the
 *       prefix in force, the one online the longest (earliest {@link NodeView#onlineSince}; ties by
 *       node id). A router that comes back is online for less long than the one that took over, so
 *       it does not take the prefix back. Overlapping different prefixes are elected independently
 *       (clients route by longest prefix). Exit routes (the /0s) have no primary: each client picks
 *       its exit node.
 * </ul>
 *
 * <p>Thread-safety: stateless.
 */
public final class RouteElection {
  private RouteElection() {}

  /**
   * The derived routes of each of {@code nodes} (one tailnet's nodes with anything about routes);
   * {@code autoApproves} says whether the policy approves a route for a node.
   */
  public static Map<String, NodeView.DerivedRoutes> elect(
      Collection<NodeView> nodes, BiPredicate<NodeView, String> autoApproves) {
    Map<String, List<String>> auto = new HashMap<>();
    Map<String, List<String>> inForce = new HashMap<>();
    Map<String, List<NodeView>> byPrefix = new TreeMap<>();
    for (NodeView n : nodes) {
      List<String> a = new ArrayList<>();
      List<String> f = new ArrayList<>();
      for (String r : new TreeSet<>(n.advertisedRoutes())) {
        boolean byPolicy = autoApproves.test(n, r);
        if (byPolicy) {
          a.add(r);
        }
        if (byPolicy || n.approvedRoutes().contains(r)) {
          f.add(r);
        }
      }
      if (!(f.contains(AdvertisedRoutes.EXIT_V4.toString())
          && f.contains(AdvertisedRoutes.EXIT_V6.toString()))) {
        // An exit node is both default routes or neither.
        f.removeIf(AdvertisedRoutes::isExit);
      }
      auto.put(n.id(), a);
      inForce.put(n.id(), f);
      if (n.online() && n.authorized()) {
        for (String r : f) {
          if (!AdvertisedRoutes.isExit(r)) {
            byPrefix.computeIfAbsent(r, k -> new ArrayList<>()).add(n);
          }
        }
      }
    }
    Map<String, List<String>> primary = new HashMap<>();
    Comparator<NodeView> longestOnline =
        Comparator.comparing(
                (NodeView n) -> n.onlineSince() == null ? Instant.MAX : n.onlineSince())
            .thenComparing(NodeView::id);
    for (var e : byPrefix.entrySet()) {
      NodeView winner = e.getValue().stream().min(longestOnline).orElseThrow();
      primary.computeIfAbsent(winner.id(), k -> new ArrayList<>()).add(e.getKey());
    }
    Map<String, NodeView.DerivedRoutes> out = new HashMap<>();
    for (NodeView n : nodes) {
      List<String> p = primary.getOrDefault(n.id(), List.of());
      out.put(n.id(), new NodeView.DerivedRoutes(auto.get(n.id()), inForce.get(n.id()), sorted(p)));
    }
    return out;
  }

  private static List<String> sorted(List<String> l) {
    return List.copyOf(new TreeSet<>(l));
  }
}
