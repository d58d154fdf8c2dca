package dev.trellis.coordinator.policy;

import dev.trellis.policyengine.compile.Change;
import dev.trellis.policyengine.compile.Compilation;
import dev.trellis.policyengine.compile.Node;
import dev.trellis.policyengine.compile.PolicyChange;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.proto.control.v1.FilterRule;
import java.util.List;

/**
 * One tailnet's policy compiled over its authorized nodes. Node changes go through {@link
 * Compilation#upsert} and {@link Compilation#remove}; a new policy recompiles once and {@link
 * PolicyChange#between} says which nodes are affected. "Does V see P" is answered by the
 * compilation's peer set per visibility class (one set for the whole tailnet under allow-all), so
 * nothing here grows with the square of the tailnet.
 *
 * <p>Thread-safety: not thread-safe; owned by the model's thread.
 */
final class TailnetPolicy {
  private Compilation compilation;

  TailnetPolicy(Policy policy) {
    this.compilation = new Compilation(policy, List.of());
  }

  Policy policy() {
    return compilation.policy();
  }

  boolean contains(String id) {
    return compilation.node(id) != null;
  }

  /** Whether {@code viewer} sees {@code peer} now. */
  boolean sees(String viewer, String peer) {
    return compilation.sees(viewer, peer);
  }

  /** The ids {@code viewer} sees, possibly with itself (see {@link Compilation#visibleFrom}). */
  java.util.Set<String> visibleFrom(String viewer) {
    return compilation.visibleFrom(viewer);
  }

  List<FilterRule> filterFor(String id) {
    return compilation.filterFor(id);
  }

  Change upsert(Node n) {
    return compilation.upsert(n);
  }

  Change remove(String id) {
    return compilation.remove(id);
  }

  /** Recompiles every node under {@code next}; what changed. */
  Change replace(Policy next) {
    List<Node> nodes = compilation.nodeIds().stream().map(compilation::node).toList();
    Compilation after = new Compilation(next, nodes);
    Change c = PolicyChange.between(compilation, after);
    compilation = after;
    return c;
  }
}
