package dev.trellis.agent.device;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The device's live counters: one slot per {@link DropReason} and per event, incremented by the
 * pipeline threads without allocation.
 *
 * <p>Thread-safety: lock-free atomic counters.
 */
final class Drops {
  enum Event {
    HANDSHAKE_INITIATED,
    HANDSHAKE_COMPLETED,
    COOKIE_REPLY_SENT,
    KEEPALIVE_SENT,
    PACKET_SENT,
    PACKET_RECEIVED
  }

  private static final DropReason[] REASONS = DropReason.values();
  private final AtomicLongArray drops = new AtomicLongArray(REASONS.length);
  private final AtomicLongArray events = new AtomicLongArray(Event.values().length);

  void drop(DropReason reason) {
    drops.incrementAndGet(reason.ordinal());
  }

  void count(Event event) {
    events.incrementAndGet(event.ordinal());
  }

  void count(Event event, int n) {
    events.addAndGet(event.ordinal(), n);
  }

  DeviceCounters snapshot() {
    Map<DropReason, Long> m = new EnumMap<>(DropReason.class);
    for (DropReason r : REASONS) {
      m.put(r, drops.get(r.ordinal()));
    }
    return new DeviceCounters(
        m,
        events.get(Event.HANDSHAKE_INITIATED.ordinal()),
        events.get(Event.HANDSHAKE_COMPLETED.ordinal()),
        events.get(Event.COOKIE_REPLY_SENT.ordinal()),
        events.get(Event.KEEPALIVE_SENT.ordinal()),
        events.get(Event.PACKET_SENT.ordinal()),
        events.get(Event.PACKET_RECEIVED.ordinal()));
  }
}
