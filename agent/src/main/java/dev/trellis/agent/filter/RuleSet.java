package dev.trellis.agent.filter;

import dev.trellis.proto.control.FilterSources;
import dev.trellis.proto.control.v1.DestinationPorts;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.net.IpPrefix;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's filter rules compiled for matching: a packet is allowed if any rule covers its
 * protocol, its source, and its destination address and port. Ports are only checked for TCP, UDP
 * and SCTP; an empty protocol list means TCP, UDP, ICMP and ICMPv6; a destination "*" means any
 * address of this node.
 *
 * <p>Thread-safety: immutable after construction.
 */
final class RuleSet {
  static final RuleSet EMPTY = new RuleSet(new Rule[0], 0);

  private record Destination(IpPrefix prefix, int firstPort, int lastPort) {}

  private record Rule(AddressSet src, Destination[] dst, boolean[] protocols) {}

  private final Rule[] rules;
  private final int rejected;

  private RuleSet(Rule[] rules, int rejected) {
    this.rules = rules;
    this.rejected = rejected;
  }

  /** Compiles rules; a rule with a malformed prefix or port range is left out and counted. */
  static RuleSet compile(List<FilterRule> input) {
    List<Rule> out = new ArrayList<>();
    int rejected = 0;
    for (FilterRule fr : input) {
      try {
        out.add(compile(fr));
      } catch (IllegalArgumentException e) {
        rejected++;
      }
    }
    return new RuleSet(out.toArray(Rule[]::new), rejected);
  }

  private static Rule compile(FilterRule fr) {
    boolean any = FilterSources.any(fr);
    List<IpPrefix> src = FilterSources.prefixes(fr);
    Destination[] dst = new Destination[fr.getDestinationsCount()];
    for (int i = 0; i < dst.length; i++) {
      DestinationPorts d = fr.getDestinations(i);
      IpPrefix p = d.getPrefix().equals("*") ? null : IpPrefix.parse(d.getPrefix());
      int first = 0;
      int last = 65535;
      if (d.hasPorts()) {
        first = d.getPorts().getFirst();
        last = d.getPorts().getLast();
        if (first > last || last > 65535) {
          throw new IllegalArgumentException("bad port range");
        }
      }
      dst[i] = new Destination(p, first, last);
    }
    boolean[] protocols = new boolean[256];
    if (fr.getIpProtocolsCount() == 0) {
      protocols[PacketHeaders.TCP] = true;
      protocols[PacketHeaders.UDP] = true;
      protocols[PacketHeaders.ICMP] = true;
      protocols[PacketHeaders.ICMPV6] = true;
    }
    for (int p : fr.getIpProtocolsList()) {
      if (p < 0 || p > 255) {
        throw new IllegalArgumentException("bad protocol " + p);
      }
      protocols[p] = true;
    }
    return new Rule(new AddressSet(any, src), dst, protocols);
  }

  /** Whether some rule allows the parsed packet. Cheap checks (protocol, port) come first. */
  boolean allows(PacketHeaders h) {
    boolean v6 = h.version == 6;
    for (Rule r : rules) {
      if (r.protocols[h.proto]
          && anyDestination(r.dst, h, v6)
          && r.src.contains(v6, h.srcHi, h.srcLo)) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyDestination(Destination[] dst, PacketHeaders h, boolean v6) {
    for (Destination d : dst) {
      if ((!h.hasPorts || (h.dstPort >= d.firstPort && h.dstPort <= d.lastPort))
          && (d.prefix == null || d.prefix.contains(v6, h.dstHi, h.dstLo))) {
        return true;
      }
    }
    return false;
  }

  int size() {
    return rules.length;
  }

  int rejected() {
    return rejected;
  }
}
