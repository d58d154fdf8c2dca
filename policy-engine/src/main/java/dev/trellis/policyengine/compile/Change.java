package dev.trellis.policyengine.compile;

import java.util.Map;
import java.util.Set;

/**
 * What one node change (join, leave, retag, new addresses) did to the rest of the tailnet: whose
 * packet filter must be re-sent, and whose peer set gained or lost which peers.
 *
 * @param filtersChanged nodes whose {@link Compilation#filterFor} may differ from before
 * @param peers per node, peers that became visible and peers that are now hidden
 *     <p>Thread-safety: immutable.
 */
public record Change(Set<String> filtersChanged, Map<String, PeerDelta> peers) {
  public Change {
    filtersChanged = Set.copyOf(filtersChanged);
    peers = Map.copyOf(peers);
  }

  /** Nothing changed. */
  public static final Change NONE = new Change(Set.of(), Map.of());

  /** Peers gained and lost by one node. */
  public record PeerDelta(Set<String> added, Set<String> removed) {
    public PeerDelta {
      added = Set.copyOf(added);
      removed = Set.copyOf(removed);
    }
  }
}
