package dev.trellis.policyengine.model;

import dev.trellis.proto.net.IpPrefix;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed and validated tailnet ACL policy: group members, host aliases, tag owners, the allow
 * rules (acls and grants normalized to {@link Rule}s, in document order), the embedded tests and
 * the auto-approvers of routes. Every name a rule uses is defined here.
 *
 * <p>Thread-safety: immutable.
 */
public record Policy(
    Map<String, Set<String>> groups,
    Map<String, IpPrefix> hosts,
    Map<String, List<Selector>> tagOwners,
    List<Rule> rules,
    List<PolicyAssertion> tests,
    AutoApprovers autoApprovers) {
  public Policy {
    groups = Map.copyOf(groups);
    hosts = Map.copyOf(hosts);
    tagOwners = Map.copyOf(tagOwners);
    rules = List.copyOf(rules);
    tests = List.copyOf(tests);
    autoApprovers = autoApprovers == null ? AutoApprovers.NONE : autoApprovers;
  }

  /** A policy without auto-approvers. */
  public Policy(
      Map<String, Set<String>> groups,
      Map<String, IpPrefix> hosts,
      Map<String, List<Selector>> tagOwners,
      List<Rule> rules,
      List<PolicyAssertion> tests) {
    this(groups, hosts, tagOwners, rules, tests, AutoApprovers.NONE);
  }

  /** The policy of a new tailnet: every node may reach every other on every port. */
  public static final String DEFAULT_HUJSON =
      """
      {
        // Default policy: all members and tagged nodes may reach each other.
        "acls": [
          {"action": "accept", "src": ["*"], "dst": ["*:*"]},
        ],
      }
      """;

  /**
   * Whether the selector names this identity. {@link Selector.Self} never matches alone, nor does
   * {@link Selector.Internet} (a destination only: see {@link #matchesDestination}).
   */
  public boolean matches(Selector s, Identity who) {
    return switch (s) {
      case Selector.Any a -> true;
      case Selector.User u -> who.userOwned() && u.login().equals(who.user());
      case Selector.Group g ->
          who.userOwned() && groups.getOrDefault(g.name(), Set.of()).contains(who.user());
      case Selector.Tag t -> who.tags().contains(t.name());
      case Selector.Member m -> who.userOwned();
      case Selector.Tagged t -> !who.tags().isEmpty();
      case Selector.Admin a -> who.userOwned() && who.admin();
      case Selector.Self self -> false;
      case Selector.Internet i -> false;
      case Selector.Ip ip -> anyIn(ip.prefix(), who);
      case Selector.Host h -> anyIn(h.prefix(), who);
    };
  }

  /**
   * Whether a destination selector names a node with these in-force routes: as {@link #matches},
   * and also an address selector ({@link Selector.Ip}, {@link Selector.Host}) whose prefix overlaps
   * one of the node's routes (the node routes for it), and {@link Selector.Internet} a node with a
   * default route in force (an exit node).
   */
  public boolean matchesDestination(Selector s, Identity who, List<IpPrefix> routes) {
    return switch (s) {
      case Selector.Internet i -> routes.stream().anyMatch(r -> r.bits() == 0);
      case Selector.Ip ip -> anyIn(ip.prefix(), who) || overlapsAny(ip.prefix(), routes);
      case Selector.Host h -> anyIn(h.prefix(), who) || overlapsAny(h.prefix(), routes);
      default -> matches(s, who);
    };
  }

  private static boolean overlapsAny(IpPrefix p, List<IpPrefix> routes) {
    for (IpPrefix r : routes) {
      if (p.contains(r) || r.contains(p)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@link #autoApprovers} approve this route for this node: a default route (0.0.0.0/0,
   * ::/0) when the node matches an {@code exitNode} selector; a subnet route when it lies inside a
   * listed prefix whose selectors match the node.
   */
  public boolean autoApproves(Identity who, IpPrefix route) {
    if (route.bits() == 0) {
      return anyMatches(autoApprovers.exitNode(), who);
    }
    for (var e : autoApprovers.routes().entrySet()) {
      if (e.getKey().contains(route) && anyMatches(e.getValue(), who)) {
        return true;
      }
    }
    return false;
  }

  private boolean anyMatches(List<Selector> selectors, Identity who) {
    for (Selector s : selectors) {
      if (matches(s, who)) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyIn(IpPrefix p, Identity who) {
    for (var a : who.addresses()) {
      if (p.contains(a)) {
        return true;
      }
    }
    return false;
  }
}
