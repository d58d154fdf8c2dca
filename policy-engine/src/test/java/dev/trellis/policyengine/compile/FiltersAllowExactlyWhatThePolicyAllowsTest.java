package dev.trellis.policyengine.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.policyengine.load.PolicyLoader;
import dev.trellis.policyengine.model.Policy;
import dev.trellis.policyengine.model.Protocols;
import dev.trellis.policyengine.model.Rule;
import dev.trellis.policyengine.model.Selector;
import dev.trellis.policyengine.model.Target;
import dev.trellis.proto.control.FilterSources;
import dev.trellis.proto.control.v1.DestinationPorts;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.net.IpPrefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The compiled filters mean what the policy means: for random policies and nodes, a packet from
 * node A to node B on a port and protocol passes B's filter (evaluated the way the agent does) if
 * and only if some rule of the policy lets A reach B there; and B appears among A's peers whenever
 * either reaches the other.
 */
class FiltersAllowExactlyWhatThePolicyAllowsTest {
  static final int[] PORTS = {22, 80, 443, 1500, 9999};
  static final int[] PROTOCOLS = {Protocols.TCP, Protocols.UDP, Protocols.ICMP};

  /**
   * Whether the policy lets a packet from a's address {@code from} reach b's address {@code to} on
   * the port and protocol, straight from the rules: address selectors match the packet's addresses,
   * the others match the nodes.
   */
  static boolean policyAllows(
      Policy p, Node a, Node b, InetAddress from, InetAddress to, int port, int proto) {
    for (Rule r : p.rules()) {
      if (!r.coversProtocol(proto)) {
        continue;
      }
      boolean src =
          r.src().stream()
              .anyMatch(
                  s ->
                      s.prefixOrNull() != null
                          ? s.prefixOrNull().contains(from)
                          : p.matches(s, a.identity()));
      if (!src) {
        continue;
      }
      for (Target t : r.dst()) {
        boolean dst =
            t.selector() instanceof Selector.Self
                ? a.identity().userOwned()
                    && b.identity().userOwned()
                    && a.user().equals(b.user())
                    && r.src().stream().anyMatch(s -> p.matches(s, a.identity()))
                : t.selector().prefixOrNull() != null
                    ? t.selector().prefixOrNull().contains(to)
                    : p.matches(t.selector(), b.identity());
        if (dst && (!Protocols.WITH_PORTS.contains(proto) || t.allowsPort(port))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The agent's reading of a filter: any rule whose protocol, source, destination and port fit. */
  static boolean filterAllows(
      List<FilterRule> filter, InetAddress from, InetAddress to, int port, int proto) {
    for (FilterRule f : filter) {
      boolean protoOk =
          f.getIpProtocolsCount() == 0
              ? Protocols.DEFAULT.contains(proto)
              : f.getIpProtocolsList().contains(proto);
      boolean srcOk =
          FilterSources.text(f).stream()
              .anyMatch(s -> s.equals("*") || IpPrefix.parse(s).contains(from));
      if (!protoOk || !srcOk) {
        continue;
      }
      for (DestinationPorts d : f.getDestinationsList()) {
        boolean addrOk = d.getPrefix().equals("*") || IpPrefix.parse(d.getPrefix()).contains(to);
        boolean portOk =
            !Protocols.WITH_PORTS.contains(proto)
                || !d.hasPorts()
                || (port >= d.getPorts().getFirst() && port <= d.getPorts().getLast());
        if (addrOk && portOk) {
          return true;
        }
      }
    }
    return false;
  }

  @Property(tries = 50)
  void compiledFiltersAndPeersAgreeWithThePolicy(@ForAll long seed) {
    Random r = new Random(seed);
    PolicyLoader.Result loaded =
        PolicyLoader.load(IncrementalEqualsFullCompileTest.randomPolicy(r));
    assertTrue(loaded.accepted(), loaded.problems().toString());
    Policy p = loaded.policy().orElseThrow();
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < 2 + r.nextInt(7); i++) {
      // Distinct addresses: a tailnet never hands one address to two nodes.
      Node n = IncrementalEqualsFullCompileTest.randomNode(r, "n" + i);
      List<InetAddress> addrs = List.of(InetAddress.ofLiteral("100.64.0." + i));
      if (n.addresses().size() > 1) {
        addrs = List.of(addrs.getFirst(), InetAddress.ofLiteral("fd7a::" + i));
      }
      nodes.add(new Node(n.id(), addrs, n.user(), n.role(), n.tags()));
    }
    Compilation c = new Compilation(p, nodes);
    for (Node a : nodes) {
      for (Node b : nodes) {
        if (a == b) {
          continue;
        }
        boolean reaches = false;
        for (InetAddress from : a.addresses()) {
          for (InetAddress to : b.addresses()) {
            if (from.getAddress().length != to.getAddress().length) {
              continue;
            }
            for (int port : PORTS) {
              for (int proto : PROTOCOLS) {
                boolean want = policyAllows(p, a, b, from, to, port, proto);
                reaches |= want;
                assertEquals(
                    want,
                    filterAllows(c.filterFor(b.id()), from, to, port, proto),
                    a
                        + " -> "
                        + b
                        + " from "
                        + from
                        + " port "
                        + port
                        + " proto "
                        + proto
                        + "\n"
                        + p.rules()
                        + "\n"
                        + c.filterFor(b.id()));
              }
            }
          }
        }
        if (reaches) {
          assertTrue(c.peersOf(a.id()).contains(b.id()), a.id() + " must see " + b.id());
          assertTrue(c.peersOf(b.id()).contains(a.id()), b.id() + " must see " + a.id());
        }
      }
    }
  }
}
