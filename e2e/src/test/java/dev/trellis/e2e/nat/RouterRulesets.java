package dev.trellis.e2e.nat;

/**
 * The nftables rulesets of the router behaviours beyond the first three {@link NatKind}s, for a
 * router whose WAN interface is {@code eth0} and LAN interface {@code lan0}.
 *
 * <p>Thread-safety: stateless.
 */
final class RouterRulesets {
  private RouterRulesets() {}

  /** The ruleset of {@code kind} for a router with WAN address {@code wan}. */
  static String of(NatKind kind, String wan, String device, int devicePort) {
    return switch (kind) {
      case NO_INPUT_FIREWALL -> noInputFirewall(wan);
      case SHORT_MAPPING -> NatKind.EASY.ruleset(wan, device, devicePort).replace("60s", "30s");
      case PORT_MAPPING -> portMapping(wan);
      case PORT_RESTRICTED -> portRestricted(wan);
      default -> throw new IllegalArgumentException(kind + " has its ruleset in NatKind");
    };
  }

  /**
   * A plain Linux router: source-port preserving {@code snat}, forwarding only replies, and nothing
   * on input, so an unsolicited datagram to the WAN address reaches the router's own stack, is
   * answered with ICMP port unreachable, and leaves a conntrack entry that is not NATed to the
   * device (for 30 s after its last packet). A device that sends to the same peer address later
   * clashes with that entry and gets another source port.
   */
  private static String noInputFirewall(String wan) {
    return "table ip natlab {\n"
        + "  chain forward { type filter hook forward priority filter; policy drop;\n"
        + "    iifname \"lan0\" oifname \"eth0\" accept\n"
        + "    iifname \"eth0\" ct state established,related accept\n"
        + "    iifname \"eth0\" counter drop\n"
        + "  }\n"
        + "  chain postrouting { type nat hook postrouting priority srcnat; policy accept;\n"
        + "    oifname \"eth0\" snat to "
        + wan
        + "\n"
        + "  }\n"
        + "}\n";
  }

  /**
   * Source-port preserving {@code snat}, and only replies let in: a datagram that would start a new
   * flow from the WAN is dropped after conntrack saw it but before the entry is confirmed, so it
   * leaves nothing behind (no pinned tuple, unlike {@link #noInputFirewall}).
   */
  private static String portRestricted(String wan) {
    return "table ip natlab {\n"
        + "  chain guard { type filter hook prerouting priority -150; policy accept;\n"
        + "    iifname \"eth0\" ct state new counter drop\n"
        + "  }\n"
        + "  chain forward { type filter hook forward priority filter; policy drop;\n"
        + "    iifname \"lan0\" oifname \"eth0\" accept\n"
        + "    iifname \"eth0\" ct state established,related accept\n"
        + "    iifname \"eth0\" counter drop\n"
        + "  }\n"
        + "  chain postrouting { type nat hook postrouting priority srcnat; policy accept;\n"
        + "    oifname \"eth0\" snat to "
        + wan
        + "\n"
        + "  }\n"
        + "}\n";
  }

  /**
   * A router whose own mappings are endpoint-dependent ({@code fully-random}, as {@link
   * NatKind#HARD}) and which drops unsolicited inbound, but which runs {@code miniupnpd} ({@link
   * PortMapDaemon}): the mappings devices ask for with PCP or NAT-PMP are DNAT rules in the {@code
   * inet miniupnpd} table, whose chains this ruleset creates. The router's own traffic (the
   * daemon's STUN check of its external address) is not NATed.
   */
  private static String portMapping(String wan) {
    return "table ip natlab {\n"
        + "  chain prerouting { type nat hook prerouting priority dstnat; policy accept;\n  }\n"
        + "  chain forward { type filter hook forward priority filter; policy drop;\n"
        + "    iifname \"lan0\" oifname \"eth0\" accept\n"
        + "    iifname \"eth0\" ct state established,related accept\n"
        + "    iifname \"eth0\" ct status dnat accept\n"
        + "    iifname \"eth0\" counter drop\n"
        + "  }\n"
        + "  chain postrouting { type nat hook postrouting priority srcnat; policy accept;\n"
        + "    oifname \"eth0\" ip saddr != "
        + wan
        + " snat to "
        + wan
        + " fully-random\n"
        + "  }\n"
        + "}\n"
        + "table inet miniupnpd {\n"
        + "  chain forward { type filter hook forward priority filter - 1; policy accept;\n"
        + "    jump miniupnpd\n"
        + "  }\n"
        + "  chain miniupnpd {\n  }\n"
        + "  chain prerouting { type nat hook prerouting priority dstnat - 1; policy accept;\n"
        + "    jump prerouting_miniupnpd\n"
        + "  }\n"
        + "  chain postrouting { type nat hook postrouting priority srcnat - 1; policy accept;\n"
        + "    jump postrouting_miniupnpd\n"
        + "  }\n"
        + "  chain prerouting_miniupnpd {\n  }\n"
        + "  chain postrouting_miniupnpd {\n  }\n"
        + "}\n";
  }
}
