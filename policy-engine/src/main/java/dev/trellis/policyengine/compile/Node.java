package dev.trellis.policyengine.compile;

import dev.trellis.policyengine.model.Identity;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.net.IpPrefix;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * What the compiler needs to know about one node of a tailnet.
 *
 * @param id the node id
 * @param addresses its tailnet addresses (IPv4 and IPv6)
 * @param user login of the user who registered it
 * @param role that user's role; OWNER and ADMIN count for autogroup:admin
 * @param tags its tags ("tag:x"); a tagged node is owned by its tags, not by its user
 * @param routes the routes in force for it (a subnet router's subnets; 0.0.0.0/0 and ::/0 for an
 *     exit node), sorted: destinations that overlap them reach it, {@code autogroup:internet}
 *     reaches it when it has the default routes
 *     <p>Thread-safety: immutable.
 */
public record Node(
    String id,
    List<InetAddress> addresses,
    String user,
    UserRole role,
    Set<String> tags,
    List<IpPrefix> routes) {
  public Node {
    addresses = List.copyOf(addresses);
    tags = Set.copyOf(tags);
    routes = List.copyOf(routes);
  }

  /** A node that routes for nothing. */
  public Node(
      String id, List<InetAddress> addresses, String user, UserRole role, Set<String> tags) {
    this(id, addresses, user, role, tags, List.of());
  }

  /** The node as selectors see it: tagged nodes have no user. */
  public Identity identity() {
    boolean admin = role == UserRole.OWNER || role == UserRole.ADMIN;
    return new Identity(tags.isEmpty() ? user : null, admin, tags, addresses);
  }
}
