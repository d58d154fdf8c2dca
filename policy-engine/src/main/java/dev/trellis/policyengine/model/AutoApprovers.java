package dev.trellis.policyengine.model;

import dev.trellis.proto.net.IpPrefix;
import java.util.List;
import java.util.Map;

/**
 * The policy's {@code autoApprovers}: who may have routes approved without an administrator. A
 * subnet route is approved for a node when it lies inside one of {@code routes}' prefixes and the
 * node matches one of that prefix's selectors; an exit node's default routes when the node matches
 * one of {@code exitNode}. A tagged node matches by its tags, an untagged one by its user and
 * groups (as {@link Policy#matches} decides).
 *
 * @param routes subnet prefix to the selectors (users, groups, tags, autogroups) it approves for
 * @param exitNode selectors whose nodes may be exit nodes
 *     <p>Thread-safety: immutable.
 */
public record AutoApprovers(Map<IpPrefix, List<Selector>> routes, List<Selector> exitNode) {
  /** No auto-approval at all. */
  public static final AutoApprovers NONE = new AutoApprovers(Map.of(), List.of());

  public AutoApprovers {
    java.util.Map<IpPrefix, List<Selector>> copy = new java.util.HashMap<>();
    routes.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    routes = Map.copyOf(copy);
    exitNode = List.copyOf(exitNode);
  }
}
