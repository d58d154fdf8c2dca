package dev.trellis.policyengine.model;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * IP protocol names accepted in policies and their IANA numbers.
 *
 * <p>Thread-safety: immutable constants.
 */
public final class Protocols {
  public static final int ICMP = 1;
  public static final int TCP = 6;
  public static final int UDP = 17;
  public static final int ICMPV6 = 58;
  public static final int SCTP = 132;

  /** What an empty protocol list means: TCP, UDP, ICMP and ICMPv6. */
  public static final Set<Integer> DEFAULT = Set.of(TCP, UDP, ICMP, ICMPV6);

  /** Protocols with ports. */
  public static final Set<Integer> WITH_PORTS = Set.of(TCP, UDP, SCTP);

  private static final Map<String, Set<Integer>> BY_NAME =
      Map.ofEntries(
          Map.entry("tcp", Set.of(TCP)),
          Map.entry("udp", Set.of(UDP)),
          Map.entry("sctp", Set.of(SCTP)),
          // As in Tailscale's policy files, "icmp" covers ICMP for both IP versions.
          Map.entry("icmp", Set.of(ICMP, ICMPV6)),
          Map.entry("ipv6-icmp", Set.of(ICMPV6)),
          Map.entry("icmpv6", Set.of(ICMPV6)),
          Map.entry("igmp", Set.of(2)),
          Map.entry("ipv4", Set.of(4)),
          Map.entry("ip-in-ip", Set.of(4)),
          Map.entry("egp", Set.of(8)),
          Map.entry("igp", Set.of(9)),
          Map.entry("gre", Set.of(47)),
          Map.entry("esp", Set.of(50)),
          Map.entry("ah", Set.of(51)));

  private Protocols() {}

  /** Protocol numbers for a name ("tcp") or a decimal number ("6", 0-255); empty if neither. */
  public static Optional<Set<Integer>> parse(String text) {
    Set<Integer> named = BY_NAME.get(text.toLowerCase(java.util.Locale.ROOT));
    if (named != null) {
      return Optional.of(named);
    }
    if (!text.isEmpty() && text.length() <= 3 && text.chars().allMatch(Character::isDigit)) {
      int n = Integer.parseInt(text);
      if (n <= 255) {
        return Optional.of(Set.of(n));
      }
    }
    return Optional.empty();
  }

  /** Whether every protocol of the set has ports (so a port list makes sense). */
  public static boolean allHavePorts(Set<Integer> protocols) {
    return !protocols.isEmpty() && WITH_PORTS.containsAll(protocols);
  }
}
