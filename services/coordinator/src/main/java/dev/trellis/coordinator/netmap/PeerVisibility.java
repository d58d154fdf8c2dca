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

  /** The inbound packet filter of {@code viewer}. */
  PacketFilter filterFor(NodeView viewer, TailnetView tailnet);
}
