package dev.trellis.policyengine.validate;

import dev.trellis.policyengine.model.Identity;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.policyengine.model.PolicyAssertion;
import dev.trellis.policyengine.model.Problem;
import dev.trellis.policyengine.model.Protocols;
import dev.trellis.policyengine.model.Rule;
import dev.trellis.policyengine.model.Selector;
import dev.trellis.policyengine.model.Target;
import dev.trellis.proto.net.AdvertisedRoutes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates a policy's own {@code tests}: each {@code accept} must be allowed by some rule and each
 * {@code deny} by none. Test subjects are hypothetical nodes: a user's untagged node, a node with a
 * tag, or an address; a user subject's role is unknown, so {@code autogroup:admin} does not match
 * it. An address outside the tailnet's ranges is what {@code autogroup:internet} reaches.
 *
 * <p>Thread-safety: stateless.
 */
public final class PolicyTestRunner {
  private PolicyTestRunner() {}

  /** Every failing assertion as a {@link Problem#TESTS_FAILED} problem at its position. */
  public static List<Problem> run(Policy policy) {
    List<Problem> out = new ArrayList<>();
    for (PolicyAssertion t : policy.tests()) {
      Identity src = subject(t.src());
      for (PolicyAssertion.Assertion a : t.accept()) {
        for (int proto : t.protocols()) {
          if (allowedBy(policy, src, subject(a.dst()), a.port(), proto).isEmpty()) {
            out.add(fail(t, a, proto, "should be accepted, but no rule allows it"));
          }
        }
      }
      for (PolicyAssertion.Assertion a : t.deny()) {
        for (int proto : t.protocols()) {
          Optional<Rule> r = allowedBy(policy, src, subject(a.dst()), a.port(), proto);
          if (r.isPresent()) {
            out.add(fail(t, a, proto, "should be denied, but " + r.get().origin() + " allows it"));
          }
        }
      }
    }
    return out;
  }

  private static Problem fail(
      PolicyAssertion t, PolicyAssertion.Assertion a, int proto, String what) {
    return new Problem(
        a.pos(),
        Problem.TESTS_FAILED,
        t.origin() + ": " + t.src() + " -> " + a.text() + " (proto " + proto + ") " + what);
  }

  /** The hypothetical node a test names. */
  static Identity subject(Selector s) {
    return switch (s) {
      case Selector.User u -> new Identity(u.login(), false, Set.of(), List.of());
      case Selector.Tag t -> new Identity(null, false, Set.of(t.name()), List.of());
      case Selector.Ip ip -> new Identity(null, false, Set.of(), List.of(ip.prefix().address()));
      case Selector.Host h -> new Identity(null, false, Set.of(), List.of(h.prefix().address()));
      default -> throw new IllegalArgumentException("not a test subject: " + s);
    };
  }

  /** The first rule allowing the packet, if any. */
  public static Optional<Rule> allowedBy(
      Policy policy, Identity src, Identity dst, int port, int proto) {
    for (Rule r : policy.rules()) {
      if (!r.coversProtocol(proto) || !anySource(policy, r, src)) {
        continue;
      }
      for (Target t : r.dst()) {
        boolean who =
            switch (t.selector()) {
              case Selector.Self self ->
                  src.userOwned() && dst.userOwned() && src.user().equals(dst.user());
              case Selector.Internet internet -> outsideTheTailnet(dst);
              default -> policy.matches(t.selector(), dst);
            };
        if (who && (!Protocols.WITH_PORTS.contains(proto) || t.allowsPort(port))) {
          return Optional.of(r);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Whether a test destination is an address outside the tailnet's own ranges: what {@code
   * autogroup:internet} reaches through an exit node.
   */
  private static boolean outsideTheTailnet(Identity dst) {
    if (dst.user() != null || !dst.tags().isEmpty() || dst.addresses().isEmpty()) {
      return false;
    }
    for (var a : dst.addresses()) {
      if (AdvertisedRoutes.TAILNET_V4.contains(a) || AdvertisedRoutes.TAILNET_V6.contains(a)) {
        return false;
      }
    }
    return true;
  }

  private static boolean anySource(Policy policy, Rule r, Identity src) {
    for (Selector s : r.src()) {
      if (policy.matches(s, src)) {
        return true;
      }
    }
    return false;
  }
}
