package dev.trellis.policyengine.compile;

import dev.trellis.proto.control.v1.FilterRule;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
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
    // hashed, not sorted: the fan-out asks it once per device of the tailnet
    Set<String> filters = new java.util.LinkedHashSet<>();
    Map<String, Change.PeerDelta> peers = new HashMap<>();
    Map<List<Object>, Set<String>[]> diffs = new HashMap<>();
    RuleComparisons rules = new RuleComparisons();
    for (String id : nodeIds) {
      if (!rules.same(before.filterFor(id), after.filterFor(id))) {
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

  /**
   * Filter lists compared rule by rule, each pair of rule objects once: a compilation shares one
   * rule object between the nodes it applies to (a segment's hundred devices), so comparing every
   * node's list deeply repeated the same string-by-string comparison for each of them.
   */
  private static final class RuleComparisons {
    private final Map<FilterRule, Map<FilterRule, Boolean>> memo = new IdentityHashMap<>();

    boolean same(List<FilterRule> a, List<FilterRule> b) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        FilterRule x = a.get(i);
        FilterRule y = b.get(i);
        if (x == y) {
          continue;
        }
        if (x.hashCode() != y.hashCode()) {
          return false; // protobuf memoizes hash codes: cheap after the first
        }
        Map<FilterRule, Boolean> seen = memo.computeIfAbsent(x, k -> new IdentityHashMap<>());
        Boolean equal = seen.get(y);
        if (equal == null) {
          equal = x.equals(y);
          seen.put(y, equal);
        }
        if (!equal) {
          return false;
        }
      }
      return true;
    }
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
