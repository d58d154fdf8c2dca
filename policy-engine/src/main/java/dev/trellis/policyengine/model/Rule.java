package dev.trellis.policyengine.model;

import dev.trellis.policyengine.hujson.Position;
import java.util.List;
import java.util.Set;

/**
 * One normalized allow rule, from an {@code acls} entry or (part of) a {@code grants} entry:
 * packets from any source to any target on the target's ports with one of the protocols are
 * allowed.
 *
 * @param src who may send
 * @param dst where to, with ports
 * @param protocols IANA protocol numbers; empty means TCP, UDP, ICMP and ICMPv6
 * @param origin where it came from, e.g. "acls[2]" or "grants[0]"
 * @param pos position of the entry in the document
 *     <p>Thread-safety: immutable.
 */
public record Rule(
    List<Selector> src, List<Target> dst, Set<Integer> protocols, String origin, Position pos) {
  public Rule {
    src = List.copyOf(src);
    dst = List.copyOf(dst);
    protocols = Set.copyOf(protocols);
  }

  /** Whether the rule covers this protocol number. */
  public boolean coversProtocol(int proto) {
    return protocols.isEmpty() ? Protocols.DEFAULT.contains(proto) : protocols.contains(proto);
  }
}
