package dev.trellis.e2e.nat;

/**
 * The kinds of NAT router the test bed builds, each as one nftables ruleset ({@code table ip
 * natlab}) for a router whose WAN interface is {@code eth0} and LAN interface {@code lan0}.
 *
 * <ul>
 *   <li>{@link #EASY}: endpoint-independent mapping (source-port preserving {@code snat}) with
 *       address-dependent filtering: UDP arriving on the WAN is let in (DNAT to the device's port)
 *       from any address the device has sent to within 60 s, whatever its source port, as a typical
 *       home router does (unsolicited UDP is dropped before conntrack records it);
 *   <li>{@link #HARD}: endpoint-dependent ("symmetric") mapping: a new random source port for every
 *       destination ({@code snat ... fully-random}), inbound only what conntrack knows as replies;
 *   <li>{@link #UDP_BLOCKED}: like {@link #EASY} for TCP, but every UDP datagram from the LAN is
 *       dropped (a firewall that allows only TCP);
 *   <li>{@link #NO_INPUT_FIREWALL}: a plain Linux router, endpoint-independent mapping, only
 *       replies forwarded, and no input firewall: an unsolicited datagram is answered with ICMP
 *       port unreachable and pins a conntrack entry that is not NATed to the device;
 *   <li>{@link #SHORT_MAPPING}: {@link #EASY} whose mappings and filter forget a peer after 30 s of
 *       silence (conntrack's UDP timeouts lowered to 30 s in the router's namespace);
 *   <li>{@link #PORT_MAPPING}: {@link #HARD}'s mapping and filtering, plus {@code miniupnpd}
 *       granting PCP and NAT-PMP mappings ({@link PortMapDaemon}, started by the test);
 *   <li>{@link #PORT_RESTRICTED}: endpoint-independent mapping with address-and-port-dependent
 *       filtering: only replies come in, unsolicited inbound is dropped without a trace.
 * </ul>
 *
 * <p>The rulesets of the last four are in {@link RouterRulesets}.
 *
 * <p>Thread-safety: immutable.
 */
enum NatKind {
  EASY,
  HARD,
  UDP_BLOCKED,
  NO_INPUT_FIREWALL,
  SHORT_MAPPING,
  PORT_MAPPING,
  PORT_RESTRICTED;

  /** The ruleset for a router with WAN address {@code wan}, NATing device {@code device}. */
  String ruleset(String wan, String device, int devicePort) {
    if (ordinal() > UDP_BLOCKED.ordinal()) {
      return RouterRulesets.of(this, wan, device, devicePort);
    }
    StringBuilder s = new StringBuilder();
    s.append("table ip natlab {\n");
    if (this != HARD) {
      s.append("  set contacted { type ipv4_addr; flags dynamic,timeout; timeout 60s; }\n");
    }
    if (this == EASY) {
      // The filter drops unsolicited UDP before conntrack sees it: a dropped packet must not leave
      // an entry behind that would keep the flow from being DNATed once the device has sent there
      // (conntrack makes NAT decisions on a flow's first packet only).
      s.append("  chain raw { type filter hook prerouting priority raw; policy accept;\n")
          .append("    iifname \"eth0\" udp dport ")
          .append(devicePort)
          .append(" ip saddr != @contacted counter drop\n  }\n");
    }
    s.append("  chain prerouting { type nat hook prerouting priority dstnat; policy accept;\n");
    if (this == EASY) {
      s.append("    iifname \"eth0\" ip saddr @contacted udp dport ")
          .append(devicePort)
          .append(" dnat to ")
          .append(device)
          .append(':')
          .append(devicePort)
          .append("\n");
    }
    s.append("  }\n");
    s.append("  chain forward { type filter hook forward priority filter; policy drop;\n");
    if (this == UDP_BLOCKED) {
      s.append("    iifname \"lan0\" meta l4proto udp counter drop\n");
    }
    if (this != HARD) {
      s.append(
          "    iifname \"lan0\" oifname \"eth0\" update @contacted { ip daddr timeout 60s }\n");
    }
    s.append("    iifname \"lan0\" oifname \"eth0\" accept\n");
    s.append("    iifname \"eth0\" ct state established,related accept\n");
    s.append("    iifname \"eth0\" ct status dnat accept\n");
    s.append("    iifname \"eth0\" counter drop\n");
    s.append("  }\n");
    s.append("  chain postrouting { type nat hook postrouting priority srcnat; policy accept;\n");
    s.append("    oifname \"eth0\" snat to ").append(wan);
    s.append(this == HARD ? " fully-random\n" : "\n");
    s.append("  }\n");
    s.append("}\n");
    return s.toString();
  }
}
