package dev.trellis.coordinator.policy;

import dev.trellis.policy.engine.compile.Change;
import dev.trellis.policy.engine.compile.Compilation;
import dev.trellis.policy.engine.compile.Node;
import dev.trellis.policy.engine.compile.PolicyChange;
import dev.trellis.policy.engine.model.Policy;
import dev.trellis.proto.control.v1.FilterRule;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One tailnet's policy compiled over its authorized nodes, with a cache of each node's peer set
 * (the full netmap asks "does V see P" for every P). Node changes go through {@link
 * Compilation#upsert} and {@link Compilation#remove}; a new policy recompiles once and {@link
 * PolicyChange#between} says which nodes are affected. Caches are dropped for exactly the nodes a
 * change touches.
 *
 * <p>Thread-safety: not thread-safe; owned by the model's thread.
 */
final class TailnetPolicy {
  private Compilation compilation;
  private final Map<String, TreeSet<String>> peers = new HashMap<>();

  TailnetPolicy(Policy policy) {
    this.compilation = new Compilation(policy, List.of());
  }

  Policy policy() {
    return compilation.policy();
  }

  boolean contains(String id) {
    return compilation.node(id) != null;
  }

  /** The peers of {@code id} (cached; do not modify). */
  Set<String> peersOf(String id) {
    return peers.computeIfAbsent(id, compilation::peersOf);
  }

  List<FilterRule> filterFor(String id) {
    return compilation.filterFor(id);
  }

  Change upsert(Node n) {
    return invalidate(compilation.upsert(n), n.id());
  }

  Change remove(String id) {
    return invalidate(compilation.remove(id), id);
  }

  /** Recompiles every node under {@code next}; what changed. */
  Change replace(Policy next) {
    List<Node> nodes = compilation.nodeIds().stream().map(compilation::node).toList();
    Compilation after = new Compilation(next, nodes);
    Change c = PolicyChange.between(compilation, after);
    compilation = after;
    peers.clear();
    return c;
  }

  /**
   * Keeps the cached peer sets current: the changed node's is dropped (recomputed on next use),
   * every other cached set takes the change's delta, so a join costs the peers it affects, not a
   * recomputation of every peer set in the tailnet.
   */
  private Change invalidate(Change c, String id) {
    peers.remove(id);
    c.peers()
        .forEach(
            (k, d) -> {
              TreeSet<String> s = k.equals(id) ? null : peers.get(k);
              if (s != null) {
                s.addAll(d.added());
                s.removeAll(d.removed());
              }
            });
    return c;
  }
}
