package dev.trellis.policyengine.compile;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Nodes grouped by what decides their visibility: the rules they may send under, the units they are
 * a destination of and, when the policy has {@code autogroup:self}, their user. Two nodes of one
 * class see exactly the same nodes (a node never counts itself), so the peer set is kept once per
 * class instead of once per node: under the default allow-all policy a tailnet of any size is one
 * class and one set, where per-node sets grew with the square of the tailnet.
 *
 * <p>A class's set is computed on first use and then follows each change's deltas: a change of node
 * X only changes pairs involving X, and every member of a class gets the same delta, so applying
 * any member's delta keeps the class's set exact. A class is forgotten when its last member leaves.
 *
 * <p>Thread-safety: not thread-safe; owned by its {@link Compilation}'s writer.
 */
final class VisibilityClasses {
  /** What a node's visibility depends on; equal keys mean equal peer sets. */
  record Key(BitSet src, BitSet dst, String user) {}

  /** One class: its member count and its peer set (null until first needed). */
  static final class VisibilityClass {
    private int members;
    private Set<String> peers;
  }

  private final Map<Key, VisibilityClass> classes = new HashMap<>();
  private final Map<String, VisibilityClass> byNode = new HashMap<>();

  /** Puts {@code node} in the class of {@code key}. */
  void join(String node, Key key) {
    VisibilityClass c = classes.computeIfAbsent(key, k -> new VisibilityClass());
    c.members++;
    byNode.put(node, c);
  }

  /** Takes {@code node} out of its class (of {@code key}); forgets the class when it empties. */
  void leave(String node, Key key) {
    VisibilityClass c = byNode.remove(node);
    if (c != null && --c.members == 0) {
      classes.remove(key, c);
    }
  }

  /** The class of {@code node}, or null. */
  VisibilityClass of(String node) {
    return byNode.get(node);
  }

  /**
   * The nodes {@code node}'s class sees, members included when the class sees itself (callers
   * exclude the node itself); computed once by {@code compute}. Do not modify.
   */
  Set<String> peers(String node, Supplier<Set<String>> compute) {
    VisibilityClass c = byNode.get(node);
    if (c == null) {
      return Set.of();
    }
    if (c.peers == null) {
      c.peers = new HashSet<>(compute.get());
    }
    return c.peers;
  }

  /** {@code node} (a member) now sees {@code peer} ({@code add}) or no longer does. */
  void delta(String node, String peer, boolean add) {
    VisibilityClass c = byNode.get(node);
    if (c == null || c.peers == null) {
      return;
    }
    if (add) {
      c.peers.add(peer);
    } else {
      c.peers.remove(peer);
    }
  }

  /** Number of classes. */
  int size() {
    return classes.size();
  }
}
