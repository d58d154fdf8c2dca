package dev.trellis.agent.filter;

import dev.trellis.agent.time.Clock;
import dev.trellis.proto.control.v1.FilterRule;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The node's inbound packet filter: decides, for each decrypted packet before it is written to the
 * TUN, whether the policy lets it in. A packet is accepted if it is return traffic of a flow this
 * node opened (TCP connections this node opened with a SYN, UDP flows it sent, by connection tuple;
 * ICMP echo replies by identifier — recorded by {@link #noteOutbound} in bounded flow tables with
 * idle expiry) or if a rule of the node's compiled filter allows it. Truncated or garbage packets
 * are dropped. Every drop is counted by {@link DropReason}.
 *
 * <p>Rules arrive from the control plane as {@code trellis.control.v1.FilterRule}s through {@link
 * #reconfigure}; flows survive a reconfiguration. {@link #allowInbound} and {@link #noteOutbound}
 * allocate nothing.
 *
 * <p>Thread-safety: safe from any thread. The rule set is an immutable snapshot behind a volatile
 * field; flow tables lock per bucket stripe; counters are atomic. Header parsing uses one reusable
 * scratch object per thread.
 */
public final class PacketFilter {
  /** Sizing and timeouts of the flow tables. */
  public record Options(int tcpFlows, Duration tcpIdle, int udpFlows, Duration udpIdle) {
    /** 16k TCP flows idle out after 30 minutes; 4k UDP/ICMP flows after 2 minutes. */
    public static final Options DEFAULT =
        new Options(16_384, Duration.ofMinutes(30), 4_096, Duration.ofMinutes(2));
  }

  private static final ThreadLocal<PacketHeaders> SCRATCH =
      ThreadLocal.withInitial(PacketHeaders::new);
  private static final DropReason[] REASONS = DropReason.values();
  private static final int ACCEPT_RULE = REASONS.length;
  private static final int ACCEPT_RETURN = REASONS.length + 1;
  private static final int OUTBOUND = REASONS.length + 2;

  private final Clock clock;
  private final FlowTable tcp;
  private final FlowTable other;
  private final AtomicLongArray counts = new AtomicLongArray(REASONS.length + 3);
  private volatile RuleSet rules = RuleSet.EMPTY;

  /** A filter that allows nothing until {@link #reconfigure}. */
  public PacketFilter(Clock clock, Options options) {
    this.clock = clock;
    this.tcp = new FlowTable(options.tcpFlows(), options.tcpIdle().toNanos());
    this.other = new FlowTable(options.udpFlows(), options.udpIdle().toNanos());
  }

  /**
   * Replaces the rules (an empty list lets nothing in except return traffic). Malformed rules are
   * left out and counted in {@link FilterCounters#rejectedRules()}.
   */
  public void reconfigure(List<FilterRule> filterRules) {
    rules = RuleSet.compile(filterRules);
  }

  /**
   * Whether the inbound IP packet at {@code packet[off..off+len)} may be delivered; counts the
   * decision.
   */
  public boolean allowInbound(byte[] packet, int off, int len) {
    PacketHeaders h = SCRATCH.get();
    DropReason bad = h.parse(packet, off, len);
    if (bad != null) {
      counts.incrementAndGet(bad.ordinal());
      return false;
    }
    if (isReturnTraffic(h)) {
      counts.incrementAndGet(ACCEPT_RETURN);
      return true;
    }
    if (rules.allows(h)) {
      counts.incrementAndGet(ACCEPT_RULE);
      return true;
    }
    counts.incrementAndGet(DropReason.NO_RULE.ordinal());
    return false;
  }

  private boolean isReturnTraffic(PacketHeaders h) {
    int meta = h.version << 8 | h.proto;
    long now = clock.nanoTime();
    if (h.proto == PacketHeaders.TCP) {
      return tcp.touch(meta, h.dstPort << 16 | h.srcPort, h.dstHi, h.dstLo, h.srcHi, h.srcLo, now);
    }
    if (h.hasPorts) {
      return other.touch(
          meta, h.dstPort << 16 | h.srcPort, h.dstHi, h.dstLo, h.srcHi, h.srcLo, now);
    }
    if (h.isEchoReply()) {
      return other.touch(meta, h.srcPort << 16, h.dstHi, h.dstLo, h.srcHi, h.srcLo, now);
    }
    return false;
  }

  /**
   * Records an outbound IP packet's flow so that its replies are let in: a TCP SYN opens a
   * connection entry and later segments keep it fresh; a UDP datagram or ICMP echo request opens or
   * refreshes a flow. Packets that do not parse or open no trackable flow are ignored.
   */
  public void noteOutbound(byte[] packet, int off, int len) {
    PacketHeaders h = SCRATCH.get();
    if (h.parse(packet, off, len) != null) {
      return;
    }
    int meta = h.version << 8 | h.proto;
    long now = clock.nanoTime();
    if (h.proto == PacketHeaders.TCP) {
      int ports = h.srcPort << 16 | h.dstPort;
      if (h.isTcpOpen()) {
        tcp.record(meta, ports, h.srcHi, h.srcLo, h.dstHi, h.dstLo, now);
      } else if (!tcp.touch(meta, ports, h.srcHi, h.srcLo, h.dstHi, h.dstLo, now)) {
        // Our side of a connection someone else opened: it creates no state, so that access
        // the policy withdraws ends for established connections too.
        return;
      }
    } else if (h.hasPorts) {
      other.record(meta, h.srcPort << 16 | h.dstPort, h.srcHi, h.srcLo, h.dstHi, h.dstLo, now);
    } else if (h.isEchoRequest()) {
      other.record(meta, h.srcPort << 16, h.srcHi, h.srcLo, h.dstHi, h.dstLo, now);
    } else {
      return;
    }
    counts.incrementAndGet(OUTBOUND);
  }

  /** The counters now. */
  public FilterCounters counters() {
    Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
    for (DropReason r : REASONS) {
      drops.put(r, counts.get(r.ordinal()));
    }
    RuleSet r = rules;
    return new FilterCounters(
        counts.get(ACCEPT_RULE),
        counts.get(ACCEPT_RETURN),
        drops,
        counts.get(OUTBOUND),
        tcp.evictions() + other.evictions(),
        r.size(),
        r.rejected());
  }
}
