package dev.trellis.agent.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.time.TestClock;
import dev.trellis.proto.control.v1.DestinationPorts;
import dev.trellis.proto.control.v1.FilterRule;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Fuzz target for the packet filter: garbage never throws, and every packet is counted once. */
class PacketFilterFuzzTest {
  static PacketFilter filter() {
    PacketFilter f = new PacketFilter(new TestClock(), PacketFilter.Options.DEFAULT);
    f.reconfigure(
        List.of(
            FilterRule.newBuilder()
                .addSrcPrefixes("100.64.0.0/10")
                .addSrcPrefixes("fd7a::/48")
                .addDestinations(DestinationPorts.newBuilder().setPrefix("*"))
                .build()));
    return f;
  }

  static long total(FilterCounters c) {
    return c.acceptedByRule()
        + c.acceptedAsReturn()
        + c.drops().values().stream().mapToLong(Long::longValue).sum();
  }

  @Property(tries = 1500)
  void randomBytesAreDecidedAndCountedNeverThrown(
      @ForAll @Size(max = 120) byte[] bytes, @ForAll @IntRange(max = 130) int off) {
    PacketFilter f = filter();
    int o = Math.min(off, bytes.length);
    f.noteOutbound(bytes, o, bytes.length - o);
    f.allowInbound(bytes, o, bytes.length - o);
    f.allowInbound(bytes, off, bytes.length);
    assertEquals(2, total(f.counters()));
  }

  @Provide
  Arbitrary<byte[]> mutatedPackets() {
    Arbitrary<byte[]> base =
        Arbitraries.of(
            Packets.ip("100.64.0.2", "100.64.0.1", Packets.TCP, 1, 22),
            Packets.ip("fd7a::2", "fd7a::1", Packets.UDP, 1, 53),
            Packets.ip("100.64.0.2", "100.64.0.1", Packets.ICMP, 0, 5),
            Packets.ipv6WithHopByHop("fd7a::2", "fd7a::1", Packets.TCP, 1, 22));
    return Combinators.combine(
            base,
            Arbitraries.integers().between(0, 67).list().ofMaxSize(4),
            Arbitraries.bytes().list().ofSize(4),
            Arbitraries.integers().between(0, 68))
        .as(
            (p, where, what, cut) -> {
              byte[] q = p.clone();
              for (int i = 0; i < where.size(); i++) {
                q[where.get(i) % q.length] = what.get(i);
              }
              return java.util.Arrays.copyOf(q, Math.min(q.length, cut));
            });
  }

  @Property(tries = 1500)
  void mutatedHeadersAreDecidedAndCountedNeverThrown(@ForAll("mutatedPackets") byte[] p) {
    PacketFilter f = filter();
    f.noteOutbound(p, 0, p.length);
    f.allowInbound(p, 0, p.length);
    assertEquals(1, total(f.counters()));
  }

  @Property(tries = 500)
  void theReplyToAnyOutboundFlowIsLetIn(
      @ForAll @IntRange(max = 65535) int localPort,
      @ForAll @IntRange(max = 65535) int remotePort,
      @ForAll boolean tcp,
      @ForAll boolean v6) {
    PacketFilter f = new PacketFilter(new TestClock(), PacketFilter.Options.DEFAULT);
    f.reconfigure(List.of());
    String me = v6 ? "fd7a::1" : "100.64.0.1";
    String peer = v6 ? "fd7a::2" : "100.64.0.2";
    int proto = tcp ? Packets.TCP : Packets.UDP;
    byte[] out = Packets.ip(me, peer, proto, localPort, remotePort);
    f.noteOutbound(out, 0, out.length);
    byte[] reply = Packets.ip(peer, me, proto, remotePort, localPort);
    assertTrue(f.allowInbound(reply, 0, reply.length));
    byte[] unrelated = Packets.ip(peer, me, proto, remotePort, localPort ^ 1);
    assertTrue(!f.allowInbound(unrelated, 0, unrelated.length));
  }
}
