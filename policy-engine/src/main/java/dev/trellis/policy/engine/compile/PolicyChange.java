package dev.trellis.policy.engine.compile;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a new policy changes for a tailnet's nodes: compares the compilation under the old policy
 * with the one under the new, node by node. A policy edit may change any node's view, so this costs
 * the size of every node's filter and peer set (it is meant for edits, which are rare, not for node
 * changes, which {@link Compilation#upsert} handles incrementally).
 *
 * <p>Thread-safety: stateless; the compilations must not be modified during the call.
 */
public final class PolicyChange {
  private PolicyChange() {}

  /**
   * The nodes of {@code after} whose filter or peers differ from {@code before} (both compiled over
   * the same nodes; a node only in {@code after} counts as changed).
   */
  public static Change between(Compilation before, Compilation after) {
    Set<String> nodeIds = after.nodeIds();
    Set<String> filters = new TreeSet<>();
    Map<String, Change.PeerDelta> peers = new HashMap<>();
    for (String id : nodeIds) {
      List<?> was = before.filterFor(id);
      if (!was.equals(after.filterFor(id))) {
        filters.add(id);
      }
      TreeSet<String> old = before.peersOf(id);
      TreeSet<String> now = after.peersOf(id);
      if (!old.equals(now)) {
        TreeSet<String> added = new TreeSet<>(now);
        added.removeAll(old);
        TreeSet<String> removed = new TreeSet<>(old);
        removed.removeAll(now);
        peers.put(id, new Change.PeerDelta(added, removed));
      }
    }
    return new Change(filters, peers);
  }
}
