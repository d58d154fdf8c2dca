package dev.trellis.agent.filter;

import java.util.Map;

/**
 * A snapshot of the packet filter's counters.
 *
 * @param acceptedByRule inbound packets a rule allowed
 * @param acceptedAsReturn inbound packets let in as return traffic of a flow this node opened
 * @param drops inbound packets dropped, per reason
 * @param outboundNoted outbound packets recorded as flows
 * @param flowEvictions flows pushed out of a full flow-table bucket before they expired
 * @param rules rules in force
 * @param rejectedRules rules of the last reconfiguration left out as malformed
 *     <p>Thread-safety: immutable.
 */
public record FilterCounters(
    long acceptedByRule,
    long acceptedAsReturn,
    Map<DropReason, Long> drops,
    long outboundNoted,
    long flowEvictions,
    int rules,
    int rejectedRules) {
  public FilterCounters {
    drops = Map.copyOf(drops);
  }

  /** Drops for one reason. */
  public long dropped(DropReason reason) {
    return drops.getOrDefault(reason, 0L);
  }
}
