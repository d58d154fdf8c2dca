package dev.trellis.proto.event;

import dev.trellis.proto.event.v1.NodeOffline;

/**
 * The one rule for folding the coordinator's NodeOnline/NodeOffline events, shared by every service
 * that projects presence (the coordinator's model, the key registry), so they never disagree: a
 * node is held by the coordinator instance named in its last NodeOnline, and a NodeOffline counts
 * only when it comes from that instance. A device that moved from instance A to B while A's offline
 * for it was in flight therefore stays online (B said online after A last did). An offline that
 * names no instance (written before the field existed), or a node with no known holder, counts as
 * before.
 *
 * <p>Thread-safety: stateless.
 */
public final class NodePresence {
  private NodePresence() {}

  /**
   * Whether {@code offline} applies to a node whose last NodeOnline named {@code holder} ({@code
   * null} or empty when unknown).
   */
  public static boolean offlineApplies(String holder, NodeOffline offline) {
    String from = offline.getCoordinatorInstance();
    return from.isEmpty() || holder == null || holder.isEmpty() || holder.equals(from);
  }
}
