package dev.trellis.agent.device;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of a device's counters: drops by reason and the handshake events worth watching.
 *
 * @param drops packets dropped, by reason (every reason present)
 * @param handshakesInitiated initiation messages sent (first tries and retransmits)
 * @param handshakesCompleted sessions derived (as initiator or responder)
 * @param cookieRepliesSent cookie replies sent because the device was under load
 * @param keepalivesSent keepalive (empty transport) packets sent
 * @param packetsSent transport packets sent (data and keepalives)
 * @param packetsReceived transport packets received and accepted
 */
public record DeviceCounters(
    Map<DropReason, Long> drops,
    long handshakesInitiated,
    long handshakesCompleted,
    long cookieRepliesSent,
    long keepalivesSent,
    long packetsSent,
    long packetsReceived) {

  public DeviceCounters {
    EnumMap<DropReason, Long> all = new EnumMap<>(DropReason.class);
    for (DropReason r : DropReason.values()) {
      all.put(r, drops.getOrDefault(r, 0L));
    }
    drops = Collections.unmodifiableMap(all);
  }

  /** Drops for one reason. */
  public long drops(DropReason reason) {
    return drops.get(reason);
  }

  /** Drops over all reasons. */
  public long totalDrops() {
    long sum = 0;
    for (long v : drops.values()) {
      sum += v;
    }
    return sum;
  }
}
