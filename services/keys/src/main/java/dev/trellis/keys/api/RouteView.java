package dev.trellis.keys.api;

import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.proto.state.v1.NodeRouteState;
import java.util.List;

/**
 * One node's routes as the admin API shows them: what it advertises and what an administrator
 * approved (the key registry's record), and what the policy's autoApprovers approve, what is in
 * force and what it is primary router for (the coordinator's {@link NodeRouteState}; empty lists
 * when the coordinator has no state for it). Exit node routes are the pair {@code 0.0.0.0/0} and
 * {@code ::/0}.
 *
 * @param id the node id
 * @param name its MagicDNS name
 * @param advertised the routes it offers, canonical and sorted
 * @param approved the routes an administrator approved
 * @param autoApproved the advertised routes the policy's autoApprovers approve
 * @param inForce advertised and approved (by an administrator or autoApprovers)
 * @param primary the subnet routes it carries now as primary router
 */
public record RouteView(
    String id,
    String name,
    List<String> advertised,
    List<String> approved,
    List<String> autoApproved,
    List<String> inForce,
    List<String> primary) {

  /** The view of {@code node} with the coordinator's {@code state} of it. */
  public static RouteView of(NodeRecord node, NodeRouteState state) {
    return new RouteView(
        node.getNodeId(),
        node.getName(),
        List.copyOf(node.getAdvertisedRoutesList()),
        List.copyOf(node.getApprovedRoutesList()),
        List.copyOf(state.getAutoApprovedList()),
        List.copyOf(state.getInForceList()),
        List.copyOf(state.getPrimaryList()));
  }

  /** Whether the node advertises, has approved or has in force any route. */
  public boolean any() {
    return !advertised.isEmpty() || !approved.isEmpty() || !inForce.isEmpty();
  }
}
