package dev.trellis.keys.api;

import dev.trellis.keys.state.NodeStore;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.http.ApiException;
import java.util.Set;

/**
 * What the node endpoints share: finding a node the caller may read (a node of another tailnet is
 * {@code NODE_NOT_FOUND}, exactly as one that does not exist) and showing a node as a {@link
 * NodeView}.
 *
 * <p>Thread-safety: stateless; blocks briefly on Hazelcast (command threads only).
 */
final class NodeAccess {
  private NodeAccess() {}

  /** The node {@code id} if the caller may read its tailnet; {@code NODE_NOT_FOUND} otherwise. */
  static NodeRecord readable(NodeStore store, Principal caller, String id) {
    NodeRecord node = store.byId(id).orElse(null);
    if (node == null || !caller.canRead(node.getTailnetId())) {
      throw ApiException.of(ErrorCode.NODE_NOT_FOUND);
    }
    return node;
  }

  /** The admin API's view of {@code node}: its addresses, offline time and route state. */
  static NodeView view(NodeStore store, NodeRecord node) {
    String id = node.getNodeId();
    var addresses = store.addresses(Set.of(id)).get(id);
    return NodeView.of(node, addresses, store.offlineSince(id).orElse(null), store.routeState(id));
  }
}
