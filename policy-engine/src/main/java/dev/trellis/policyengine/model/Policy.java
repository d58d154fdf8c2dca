package dev.trellis.policyengine.model;

import dev.trellis.proto.net.IpPrefix;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed and validated tailnet ACL policy: group members, host aliases, tag owners, the allow
 * rules (acls and grants normalized to {@link Rule}s, in document order) and the embedded tests.
 * Every name a rule uses is defined here.
 *
 * <p>Thread-safety: immutable.
 */
public record Policy(
    Map<String, Set<String>> groups,
    Map<String, IpPrefix> hosts,
    Map<String, List<Selector>> tagOwners,
    List<Rule> rules,
    List<PolicyAssertion> tests) {
  public Policy {
    groups = Map.copyOf(groups);
    hosts = Map.copyOf(hosts);
    tagOwners = Map.copyOf(tagOwners);
    rules = List.copyOf(rules);
    tests = List.copyOf(tests);
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

  /** Whether the selector names this identity. {@link Selector.Self} never matches alone. */
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
      case Selector.Ip ip -> anyIn(ip.prefix(), who);
      case Selector.Host h -> anyIn(h.prefix(), who);
    };
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
