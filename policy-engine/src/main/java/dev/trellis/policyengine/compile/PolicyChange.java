package dev.trellis.policyengine.compile;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a new policy changes for a tailnet's nodes: compares the compilation under the old policy
 * with the one under the new, node by node. A policy edit may change any node's view, so this costs
 * the size of every node's filter, one diff of peer sets per pair of visibility classes (old, new)
 * and each node's own delta (it is meant for edits, which are rare, not for node changes, which
 * {@link Compilation#upsert} handles incrementally).
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
    Map<List<Object>, Set<String>[]> diffs = new HashMap<>();
    for (String id : nodeIds) {
      List<?> was = before.filterFor(id);
      if (!was.equals(after.filterFor(id))) {
        filters.add(id);
      }
      // Nodes of one class before and one class after gain and lose the same peers: diff once.
      List<Object> pair =
          java.util.Arrays.asList(
              before.visibilityClass(id) == null ? id : before.visibilityClass(id),
              after.visibilityClass(id));
      Set<String>[] diff =
          diffs.computeIfAbsent(pair, k -> diff(before.classPeers(id), after.classPeers(id)));
      if (diff[0].isEmpty() && diff[1].isEmpty()) {
        continue;
      }
      TreeSet<String> added = new TreeSet<>(diff[0]);
      added.remove(id);
      TreeSet<String> removed = new TreeSet<>(diff[1]);
      removed.remove(id);
      if (!added.isEmpty() || !removed.isEmpty()) {
        peers.put(id, new Change.PeerDelta(added, removed));
      }
    }
    return new Change(filters, peers);
  }

  @SuppressWarnings("unchecked")
  private static Set<String>[] diff(Set<String> old, Set<String> now) {
    Set<String> added = new HashSet<>(now);
    added.removeAll(old);
    Set<String> removed = new HashSet<>(old);
    removed.removeAll(now);
    return new Set[] {added, removed};
  }
}
