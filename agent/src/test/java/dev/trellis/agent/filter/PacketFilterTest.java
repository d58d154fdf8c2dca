package dev.trellis.agent.filter;

import static dev.trellis.agent.filter.Packets.ICMP;
import static dev.trellis.agent.filter.Packets.ICMPV6;
import static dev.trellis.agent.filter.Packets.TCP;
import static dev.trellis.agent.filter.Packets.UDP;
import static dev.trellis.agent.filter.Packets.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.time.TestClock;
import dev.trellis.proto.control.FilterSources;
import dev.trellis.proto.control.v1.DestinationPorts;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.control.v1.PortRange;
import dev.trellis.proto.net.IpPrefix;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacketFilterTest {
  static final String ME = "100.64.0.1";
  static final String ME6 = "fd7a::1";
  static final String PEER = "100.64.0.2";
  static final String PEER6 = "fd7a::2";
  static final String STRANGER = "100.64.0.9";

  final TestClock clock = new TestClock();
  final PacketFilter filter = new PacketFilter(clock, PacketFilter.Options.DEFAULT);

  static FilterRule rule(List<String> src, String dst, int first, int last, Integer... protos) {
    return FilterRule.newBuilder()
        .addAllSrcPrefixes(src)
        .addDestinations(
            DestinationPorts.newBuilder()
                .setPrefix(dst)
                .setPorts(PortRange.newBuilder().setFirst(first).setLast(last)))
        .addAllIpProtocols(List.of(protos))
        .build();
  }

  boolean in(byte[] p) {
    return filter.allowInbound(p, 0, p.length);
  }

  void out(byte[] p) {
    filter.noteOutbound(p, 0, p.length);
  }

  @Test
  void rulesMatchSourcePortAndProtocol() {
    filter.reconfigure(List.of(rule(List.of(PEER + "/32", PEER6 + "/128"), "*", 22, 22, TCP)));
    assertTrue(in(ip(PEER, ME, TCP, 50000, 22)));
    assertTrue(in(ip(PEER6, ME6, TCP, 50000, 22)));
    assertFalse(in(ip(PEER, ME, TCP, 50000, 23)), "other port");
    assertFalse(in(ip(PEER, ME, UDP, 50000, 22)), "other protocol");
    assertFalse(in(ip(STRANGER, ME, TCP, 50000, 22)), "other source");
    FilterCounters c = filter.counters();
    assertEquals(2, c.acceptedByRule());
    assertEquals(3, c.dropped(DropReason.NO_RULE));
  }

  @Test
  void packedSourcesMatchAsTextOnesDo() {
    FilterRule packed =
        FilterSources.set(
                rule(List.of(), "*", 22, 22, TCP).toBuilder(),
                false,
                List.of(IpPrefix.parse(PEER + "/32"), IpPrefix.parse(PEER6 + "/128")))
            .build();
    filter.reconfigure(List.of(packed));
    assertTrue(in(ip(PEER, ME, TCP, 50000, 22)));
    assertTrue(in(ip(PEER6, ME6, TCP, 50000, 22)));
    assertFalse(in(ip(STRANGER, ME, TCP, 50000, 22)), "other source");
  }

  @Test
  void aRuleWithMalformedPackedSourcesIsLeftOutAndCounted() {
    FilterRule bad =
        rule(List.of(), "*", 22, 22, TCP).toBuilder()
            .setSrcPacked(com.google.protobuf.ByteString.copyFrom(new byte[] {4, 32, 1}))
            .build();
    filter.reconfigure(List.of(bad, rule(List.of(PEER + "/32"), "*", 22, 22, TCP)));
    assertTrue(in(ip(PEER, ME, TCP, 50000, 22)), "the good rule still applies");
    assertEquals(1, filter.counters().rejectedRules());
  }

  @Test
  void emptyProtocolsMeanTcpUdpAndIcmpAndIcmpIgnoresPorts() {
    filter.reconfigure(List.of(rule(List.of("100.64.0.0/10"), ME + "/32", 80, 90)));
    assertTrue(in(ip(STRANGER, ME, TCP, 1, 85)));
    assertTrue(in(ip(STRANGER, ME, UDP, 1, 80)));
    assertTrue(in(ip(STRANGER, ME, ICMP, 8, 7)), "ping is allowed where any port is");
    assertFalse(in(ip(STRANGER, ME, TCP, 1, 91)));
    assertFalse(in(ip("10.0.0.1", ME, TCP, 1, 85)), "outside the source prefix");
    assertFalse(in(ip(STRANGER, "100.64.0.7", TCP, 1, 85)), "not the destination prefix");
    byte[] gre = ip(STRANGER, ME, 47, 0, 0);
    assertFalse(in(gre), "GRE is not in the default protocols");
  }

  @Test
  void starSourceAndUnsetPortsAllowEverything() {
    filter.reconfigure(
        List.of(
            FilterRule.newBuilder()
                .addSrcPrefixes("*")
                .addDestinations(DestinationPorts.newBuilder().setPrefix("*"))
                .build()));
    assertTrue(in(ip("203.0.113.5", ME, TCP, 1, 65535)));
    assertTrue(in(ip("2001:db8::5", ME6, UDP, 1, 0)));
  }

  @Test
  void returnTrafficOfOutboundTcpIsAllowedByTuple() {
    filter.reconfigure(List.of());
    out(ip(ME, PEER, TCP, 40000, 80));
    assertTrue(in(ip(PEER, ME, TCP, 80, 40000)));
    assertFalse(in(ip(PEER, ME, TCP, 80, 40001)), "other local port");
    assertFalse(in(ip(PEER, ME, TCP, 81, 40000)), "other remote port");
    assertFalse(in(ip(STRANGER, ME, TCP, 80, 40000)), "other remote");
    assertFalse(in(ip(PEER, ME, UDP, 80, 40000)), "other protocol");
    out(ip(ME6, PEER6, TCP, 40000, 443));
    assertTrue(in(ip(PEER6, ME6, TCP, 443, 40000)));
    assertEquals(2, filter.counters().acceptedAsReturn());
  }

  @Test
  void onlyConnectionsThisNodeOpenedCreateState() {
    filter.reconfigure(List.of(rule(List.of(PEER + "/32"), "*", 22, 22, TCP)));
    assertTrue(in(ip(PEER, ME, TCP, 50000, 22)), "the peer opens an SSH connection");
    byte[] synAck = ip(ME, PEER, TCP, 22, 50000);
    synAck[20 + 13] = 0x12;
    out(synAck);
    filter.reconfigure(List.of());
    assertFalse(
        in(ip(PEER, ME, TCP, 50000, 22)),
        "withdrawn access ends the connection: our replies made no state");
    byte[] ack = ip(ME, PEER, TCP, 40000, 80);
    ack[20 + 13] = 0x10;
    out(ack);
    assertFalse(in(ip(PEER, ME, TCP, 80, 40000)), "a stray outbound ACK opens nothing");
    out(ip(ME, PEER, TCP, 40000, 80));
    out(ack);
    assertTrue(in(ip(PEER, ME, TCP, 80, 40000)), "after our SYN, replies come in");
  }

  @Test
  void udpFlowsExpireWhenIdle() {
    filter.reconfigure(List.of());
    out(ip(ME, PEER, UDP, 5353, 53));
    clock.advance(Duration.ofSeconds(100));
    assertTrue(in(ip(PEER, ME, UDP, 53, 5353)), "within two minutes");
    clock.advance(Duration.ofSeconds(100));
    assertTrue(in(ip(PEER, ME, UDP, 53, 5353)), "the reply refreshed the flow");
    clock.advance(Duration.ofSeconds(121));
    assertFalse(in(ip(PEER, ME, UDP, 53, 5353)), "idle past two minutes");
  }

  @Test
  void udpTableIsBoundedAndEvictsTheLeastRecentlyUsed() {
    // Capacity 4 gives one bucket of 8 slots.
    PacketFilter small =
        new PacketFilter(
            clock, new PacketFilter.Options(4, Duration.ofMinutes(5), 4, Duration.ofMinutes(2)));
    small.reconfigure(List.of());
    for (int i = 0; i < 8; i++) {
      byte[] p = ip(ME, PEER, UDP, 1000 + i, 53);
      small.noteOutbound(p, 0, p.length);
      clock.advance(Duration.ofMillis(1));
    }
    byte[] first = ip(PEER, ME, UDP, 53, 1000);
    assertTrue(small.allowInbound(first, 0, first.length), "refreshes flow 0");
    byte[] ninth = ip(ME, PEER, UDP, 2000, 53);
    small.noteOutbound(ninth, 0, ninth.length);
    byte[] second = ip(PEER, ME, UDP, 53, 1001);
    assertFalse(small.allowInbound(second, 0, second.length), "flow 1 was least recently used");
    assertTrue(small.allowInbound(first, 0, first.length));
    byte[] reply = ip(PEER, ME, UDP, 53, 2000);
    assertTrue(small.allowInbound(reply, 0, reply.length));
    assertEquals(1, small.counters().flowEvictions());
  }

  @Test
  void echoRepliesToOurPingsAreAllowedByIdentifier() {
    filter.reconfigure(List.of(rule(List.of("*"), "*", 22, 22, TCP)));
    out(ip(ME, PEER, ICMP, 8, 0x1234));
    assertTrue(in(ip(PEER, ME, ICMP, 0, 0x1234)));
    assertFalse(in(ip(PEER, ME, ICMP, 0, 0x9999)), "another identifier");
    assertFalse(in(ip(PEER, ME, ICMP, 8, 0x1234)), "an echo request is not a reply");
    out(ip(ME6, PEER6, ICMPV6, 128, 7));
    assertTrue(in(ip(PEER6, ME6, ICMPV6, 129, 7)));
  }

  @Test
  void ipv6ExtensionHeadersAreWalked() {
    filter.reconfigure(List.of(rule(List.of(PEER6 + "/128"), "*", 22, 22, TCP)));
    byte[] p = Packets.ipv6WithHopByHop(PEER6, ME6, TCP, 1234, 22);
    assertTrue(in(p));
    byte[] q = Packets.ipv6WithHopByHop(PEER6, ME6, TCP, 1234, 23);
    assertFalse(in(q));
  }

  @Test
  void badPacketsAreDroppedAndCountedByReason() {
    filter.reconfigure(List.of(rule(List.of("*"), "*", 0, 65535)));
    byte[] ok = ip(PEER, ME, TCP, 1, 22);
    assertFalse(filter.allowInbound(ok, 0, 10), "shorter than an IPv4 header");
    assertFalse(filter.allowInbound(ok, 0, 30), "shorter than the total length");
    assertFalse(filter.allowInbound(ok, 0, 0));
    assertFalse(filter.allowInbound(ok, 35, 10), "off+len past the array");
    byte[] v5 = ok.clone();
    v5[0] = 0x55;
    assertFalse(in(v5));
    byte[] frag = ok.clone();
    frag[7] = 0x10;
    assertFalse(in(frag), "non-first fragment");
    byte[] shortTcp = ip(PEER, ME, TCP, 1, 22);
    Packets.put16(shortTcp, 2, 30);
    assertFalse(filter.allowInbound(shortTcp, 0, 30), "TCP header cut short");
    FilterCounters c = filter.counters();
    assertEquals(4, c.dropped(DropReason.TRUNCATED));
    assertEquals(2, c.dropped(DropReason.MALFORMED));
    assertEquals(1, c.dropped(DropReason.FRAGMENT));
    assertTrue(in(ok));
  }

  @Test
  void malformedRulesAreLeftOutAndCounted() {
    filter.reconfigure(
        List.of(
            rule(List.of("not-an-ip"), "*", 1, 2, TCP),
            rule(List.of("100.64.0.0/99"), "*", 1, 2, TCP),
            rule(List.of("*"), "*", 9, 1, TCP),
            rule(List.of("*"), "*", 22, 22, 300),
            rule(List.of(PEER + "/32"), "*", 22, 22, TCP)));
    assertEquals(4, filter.counters().rejectedRules());
    assertEquals(1, filter.counters().rules());
    assertTrue(in(ip(PEER, ME, TCP, 1, 22)));
  }

  @Test
  void reconfigureKeepsFlows() {
    filter.reconfigure(List.of());
    out(ip(ME, PEER, TCP, 40000, 80));
    filter.reconfigure(List.of(rule(List.of(STRANGER + "/32"), "*", 1, 1, TCP)));
    assertTrue(in(ip(PEER, ME, TCP, 80, 40000)));
  }

  @Test
  void manyNodeSourcesAreFoundByBisection() {
    List<String> src = new java.util.ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      src.add("100.64." + (i >> 8) + "." + (i & 0xff) + "/32");
      src.add("fd7a::" + Integer.toHexString(i) + "/128");
    }
    filter.reconfigure(List.of(rule(src, "*", 22, 22, TCP)));
    assertTrue(in(ip("100.64.19.135", ME, TCP, 1, 22)));
    assertTrue(in(ip("fd7a::1387", ME6, TCP, 1, 22)));
    assertFalse(in(ip("100.64.19.136", ME, TCP, 1, 22)));
    assertFalse(in(ip("fd7a::1388", ME6, TCP, 1, 22)));
  }

  @Test
  void theHotPathAllocatesNothing() {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    filter.reconfigure(List.of(rule(List.of(PEER + "/32"), "*", 22, 22, TCP)));
    byte[] allowed = ip(PEER, ME, TCP, 1, 22);
    byte[] denied = ip(STRANGER, ME, TCP, 1, 22);
    byte[] outbound = ip(ME, PEER, UDP, 5000, 53);
    byte[] reply = ip(PEER, ME, UDP, 53, 5000);
    for (int i = 0; i < 20_000; i++) {
      in(allowed);
      in(denied);
      out(outbound);
      in(reply);
    }
    long id = Thread.currentThread().threadId();
    long before = threads.getThreadAllocatedBytes(id);
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      in(allowed);
      in(denied);
      out(outbound);
      in(reply);
    }
    long bytes = threads.getThreadAllocatedBytes(id) - before;
    System.out.printf("filter hot path: %d bytes for %d packets%n", bytes, 4 * n);
    assertTrue(bytes < 4096, bytes + " bytes allocated for " + 4 * n + " packets");
  }
}
