package dev.trellis.load.policy;

import dev.trellis.agent.filter.PacketFilter;
import dev.trellis.agent.time.SystemClock;
import dev.trellis.proto.control.FilterSources;
import dev.trellis.proto.control.v1.DestinationPorts;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.control.v1.PortRange;
import dev.trellis.proto.net.IpPrefix;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints the agent packet filter's cost per inbound packet on one thread: a packet a rule allows
 * (its source found among {@code --sources} node addresses), one no rule allows (every rule
 * scanned), and return traffic of an outbound UDP flow.
 *
 * <p>Usage: {@code FilterBench [--sources 2000] [--rules 25] [--packets 5000000]}.
 *
 * <p>Thread-safety: main thread only.
 */
public final class FilterBench {
  private FilterBench() {}

  public static void main(String[] args) {
    int sources = 2000;
    int rules = 25;
    int packets = 5_000_000;
    for (int i = 0; i + 1 < args.length; i += 2) {
      int v = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--sources" -> sources = v;
        case "--rules" -> rules = v;
        case "--packets" -> packets = v;
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    List<FilterRule> list = new ArrayList<>();
    for (int r = 0; r < rules; r++) {
      // Sources as the coordinator sends them: packed (FilterSources).
      List<IpPrefix> src = new ArrayList<>();
      for (int s = 0; s < sources; s++) {
        int a = r * sources + s + 1;
        src.add(
            IpPrefix.parse("100.%d.%d.%d/32".formatted(64 + (a >> 16), (a >> 8) & 0xff, a & 0xff)));
      }
      FilterRule.Builder b = FilterSources.set(FilterRule.newBuilder(), false, src);
      b.addDestinations(
          DestinationPorts.newBuilder()
              .setPrefix("*")
              .setPorts(PortRange.newBuilder().setFirst(8000 + r).setLast(8000 + r)));
      b.addIpProtocols(6);
      list.add(b.build());
    }
    PacketFilter f = new PacketFilter(SystemClock.INSTANCE, PacketFilter.Options.DEFAULT);
    f.reconfigure(list);
    int last = (rules - 1) * sources + sources / 2;
    String lastSrc = "100.%d.%d.%d".formatted(64 + (last >> 16), (last >> 8) & 0xff, last & 0xff);
    byte[] allowed = packet(lastSrc, "100.127.0.1", 6, 1234, 8000 + rules - 1);
    byte[] denied = packet("100.126.0.9", "100.127.0.1", 6, 1234, 8000);
    byte[] out = packet("100.127.0.1", "100.126.0.9", 17, 5000, 53);
    byte[] reply = packet("100.126.0.9", "100.127.0.1", 17, 53, 5000);
    f.noteOutbound(out, 0, out.length);
    System.out.printf("%d rules x %d /32 sources%n", rules, sources);
    for (int round = 0; round < 2; round++) {
      report("allowed by the last rule", f, allowed, packets, round == 1);
      report("denied (all rules scanned)", f, denied, packets, round == 1);
      report("UDP return traffic", f, reply, packets, round == 1);
    }
  }

  private static void report(String what, PacketFilter f, byte[] p, int n, boolean print) {
    long t = System.nanoTime();
    int yes = 0;
    for (int i = 0; i < n; i++) {
      if (f.allowInbound(p, 0, p.length)) {
        yes++;
      }
    }
    long ns = System.nanoTime() - t;
    if (print) {
      System.out.printf(
          "%-28s %7.1f ns/packet %6.2f Mpps (%d allowed)%n",
          what, ns / (double) n, n / (ns / 1e3), yes);
    }
  }

  private static byte[] packet(String src, String dst, int proto, int sport, int dport) {
    byte[] p = new byte[40];
    p[0] = 0x45;
    p[3] = 40;
    p[8] = 64;
    p[9] = (byte) proto;
    System.arraycopy(InetAddress.ofLiteral(src).getAddress(), 0, p, 12, 4);
    System.arraycopy(InetAddress.ofLiteral(dst).getAddress(), 0, p, 16, 4);
    p[20] = (byte) (sport >> 8);
    p[21] = (byte) sport;
    p[22] = (byte) (dport >> 8);
    p[23] = (byte) dport;
    p[32] = 0x50;
    return p;
  }
}
