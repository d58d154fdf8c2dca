package dev.trellis.policyengine.model;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * What a selector is matched against: a node (its user, whether that user is an admin, its tags,
 * its addresses) or a test subject (some of those unknown).
 *
 * @param user login of the owning user; null for tagged nodes and for address-only subjects
 * @param admin whether the user has the owner or admin role
 * @param tags the node's tags ("tag:x"); non-empty means the node is owned by its tags, not a user
 * @param addresses the node's addresses (may be empty for a test subject)
 *     <p>Thread-safety: immutable.
 */
public record Identity(String user, boolean admin, Set<String> tags, List<InetAddress> addresses) {
  public Identity {
    tags = Set.copyOf(tags);
    addresses = List.copyOf(addresses);
  }

  /** Whether this is a user-owned (untagged) node or subject. */
  public boolean userOwned() {
    return tags.isEmpty() && user != null;
  }
}
