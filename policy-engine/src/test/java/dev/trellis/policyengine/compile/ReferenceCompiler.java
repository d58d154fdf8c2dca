package dev.trellis.policyengine.compile;

import dev.trellis.policyengine.model.Identity;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.policyengine.model.PortRange;
import dev.trellis.policyengine.model.Rule;
import dev.trellis.policyengine.model.Selector;
import dev.trellis.policyengine.model.Target;
import dev.trellis.proto.control.FilterSources;
import dev.trellis.proto.control.v1.DestinationPorts;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.net.IpPrefix;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeSet;

/**
 * The test oracle: the policy's meaning computed the slow, obvious way — every pair of nodes, every
 * rule — straight from the definitions, with no indexes or caches.
 */
final class ReferenceCompiler {
  private final Policy policy;
  private final List<Node> nodes;

  ReferenceCompiler(Policy policy, Collection<Node> nodes) {
    this.policy = policy;
    this.nodes = nodes.stream().sorted(Comparator.comparing(Node::id)).toList();
  }

  private boolean inSrc(Rule r, Identity id) {
    return r.src().stream().anyMatch(s -> policy.matches(s, id));
  }

  private boolean inDst(Target t, Node dst) {
    return t.selector() instanceof Selector.Self
        ? dst.identity().userOwned()
        : policy.matchesDestination(t.selector(), dst.identity(), dst.routes());
  }

  boolean reaches(Node a, Node b) {
    Identity ia = a.identity();
    Identity ib = b.identity();
    for (Rule r : policy.rules()) {
      if (!inSrc(r, ia)) {
        continue;
      }
      for (Target t : r.dst()) {
        boolean ok =
            t.selector() instanceof Selector.Self
                ? ia.userOwned() && ib.userOwned() && ia.user().equals(ib.user())
                : policy.matchesDestination(t.selector(), ib, b.routes());
        if (ok) {
          return true;
        }
      }
    }
    return false;
  }

  TreeSet<String> peersOf(String id) {
    Node m = nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    TreeSet<String> out = new TreeSet<>();
    for (Node k : nodes) {
      if (!k.id().equals(id) && (reaches(k, m) || reaches(m, k))) {
        out.add(k.id());
      }
    }
    return out;
  }

  List<FilterRule> filterFor(String id) {
    Node m = nodes.stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow();
    Identity im = m.identity();
    List<FilterRule> out = new ArrayList<>();
    for (Rule r : policy.rules()) {
      for (Target t : r.dst()) {
        if (!inDst(t, m)) {
          continue;
        }
        LinkedHashSet<String> src = new LinkedHashSet<>();
        if (t.selector() instanceof Selector.Self) {
          for (Node k : nodes) {
            Identity ik = k.identity();
            if (!ik.userOwned() || !ik.user().equals(im.user()) || !inSrc(r, ik)) {
              continue;
            }
            boolean whole =
                r.src().stream()
                    .anyMatch(
                        s ->
                            s instanceof Selector.Any
                                || (s.prefixOrNull() == null && policy.matches(s, ik)));
            for (var a : k.addresses()) {
              // A device matched only by a literal source prefix sends from its addresses in it.
              if (whole
                  || r.src().stream()
                      .anyMatch(s -> s.prefixOrNull() != null && s.prefixOrNull().contains(a))) {
                src.add(IpPrefix.of(a).toString());
              }
            }
          }
        } else if (r.src().stream().anyMatch(s -> s instanceof Selector.Any)) {
          src.add("*");
        } else {
          r.src().stream()
              .filter(s -> s.prefixOrNull() != null)
              .forEach(s -> src.add(s.prefixOrNull().toString()));
          for (Node k : nodes) {
            boolean byIdentity =
                r.src().stream()
                    .anyMatch(s -> s.prefixOrNull() == null && policy.matches(s, k.identity()));
            if (byIdentity) {
              k.addresses().forEach(a -> src.add(IpPrefix.of(a).toString()));
            }
          }
        }
        if (src.isEmpty()) {
          continue;
        }
        // The same wire form as the compiler's: "*" as text, concrete prefixes packed.
        FilterRule.Builder b =
            FilterSources.set(
                FilterRule.newBuilder(),
                src.contains(FilterSources.ANY),
                src.stream()
                    .filter(x -> !x.equals(FilterSources.ANY))
                    .map(IpPrefix::parse)
                    .toList());
        IpPrefix p = t.selector().prefixOrNull();
        List<String> prefixes =
            t.selector() instanceof Selector.Internet
                ? List.of("0.0.0.0/0", "::/0")
                : List.of(p == null ? "*" : p.toString());
        for (String prefix : prefixes) {
          for (PortRange pr : t.ports()) {
            DestinationPorts.Builder d = DestinationPorts.newBuilder().setPrefix(prefix);
            if (!pr.equals(PortRange.ALL)) {
              d.setPorts(
                  dev.trellis.proto.control.v1.PortRange.newBuilder()
                      .setFirst(pr.first())
                      .setLast(pr.last()));
            }
            b.addDestinations(d);
          }
        }
        r.protocols().stream().sorted().forEach(b::addIpProtocols);
        out.add(b.build());
      }
    }
    return out;
  }
}
