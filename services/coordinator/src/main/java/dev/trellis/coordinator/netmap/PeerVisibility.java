package dev.trellis.coordinator.netmap;

import dev.trellis.proto.control.v1.PacketFilter;

/**
 * Who sees whom, and what may reach a node: the one place the policy service will plug into.
 * Implementations must never let a node see a peer of another tailnet.
 *
 * <p>Thread-safety: implementations are called from the model's thread only.
 */
public interface PeerVisibility {
  /** Whether {@code viewer} may see {@code peer} in its netmap (both current). */
  boolean sees(NodeView viewer, NodeView peer);

  /**
   * {@link #sees} for one viewer and many peers (both current), with the viewer's look-ups done
   * once: for building a full netmap.
   */
  default java.util.function.Predicate<NodeView> seenBy(NodeView viewer) {
    return peer -> sees(viewer, peer);
  }

  /** The inbound packet filter of {@code viewer}. */
  PacketFilter filterFor(NodeView viewer, TailnetView tailnet);

  /**
   * The model applied {@code change}; called before the stream hub sees it, so that {@link #sees}
   * answers for {@code change.before()} as things were and for {@code change.after()} as they are.
   */
  default void nodeChanged(ModelChange.NodeChanged change) {}

  /**
   * The nodes whose netmap {@code change} (just given to {@link #nodeChanged}) may touch: the
   * changed node and every node that saw it before or sees it now. A superset is allowed (a node
   * that is not affected gets no frame); empty means unknown, and every node of the tailnet is
   * asked. This is what keeps a change's cost proportional to the nodes it affects.
   */
  default java.util.Optional<java.util.Collection<String>> viewersOf(
      ModelChange.NodeChanged change) {
    return java.util.Optional.empty();
  }

  /**
   * The peers the changed node itself gained and lost through {@code change} (just given to {@link
   * #nodeChanged}) while it stayed authorized: a retag, or routes coming into force that a policy
   * destination names. Index 0: ids gained; 1: ids lost. Without a policy a node's own change never
   * changes whom it sees.
   */
  default java.util.List<java.util.Set<String>> ownPeersChangedBy(ModelChange.NodeChanged change) {
    return java.util.List.of(java.util.Set.of(), java.util.Set.of());
  }

  /** The nodes (other than the changed one) whose filter {@code change} changed. */
  default java.util.Set<String> filtersChangedBy(ModelChange.NodeChanged change) {
    return java.util.Set.of();
  }

  /**
   * Whether the tailnet's policy (its autoApprovers) approves {@code route} for {@code node}
   * without an administrator. Without a policy, nothing is.
   */
  default boolean autoApproves(NodeView node, String route) {
    return false;
  }

  /** A new policy for {@code tailnet} (the full text of a PolicyUpdated); what it changed. */
  default java.util.Optional<ModelChange> policyUpdated(TailnetView tailnet, String hujson) {
    return java.util.Optional.empty();
  }

  /**
   * Why a node of {@code tailnet} may not carry {@code tags} (from an auth key with {@code keyTags}
   * created by {@code userId}), or empty when it may.
   */
  default java.util.Optional<String> tagsRefused(
      String tailnet, java.util.List<String> tags, java.util.List<String> keyTags, String userId) {
    return java.util.Optional.empty();
  }

  /** A user of {@code tailnet} appeared or changed role; what that changed for its nodes. */
  default java.util.Optional<ModelChange> userChanged(
      TailnetView tailnet, String userId, String login, dev.trellis.proto.event.v1.UserRole role) {
    return java.util.Optional.empty();
  }
}
