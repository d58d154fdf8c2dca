package dev.trellis.coordinator.channel;

import dev.trellis.proto.channel.ChannelException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The channel's meters: channels open ({@code trellis_coordinator_channels_open}) and records or
 * handshakes refused by reason ({@code trellis_coordinator_records_refused_total}), channels
 * dropped for not reading ({@code trellis_coordinator_channels_dropped_total{reason="slow"}}).
 *
 * <p>Thread-safety: thread-safe.
 */
public final class ChannelMetrics {
  private final AtomicInteger open = new AtomicInteger();
  private final Map<ChannelException.Reason, Counter> refused =
      new EnumMap<>(ChannelException.Reason.class);
  private final Counter protocol;
  private final Counter droppedSlow;

  public ChannelMetrics(MeterRegistry meters) {
    Gauge.builder("trellis_coordinator_channels_open", open, AtomicInteger::get).register(meters);
    for (ChannelException.Reason r : ChannelException.Reason.values()) {
      refused.put(
          r,
          Counter.builder("trellis_coordinator_records_refused_total")
              .tag("reason", r.name().toLowerCase(java.util.Locale.ROOT))
              .register(meters));
    }
    protocol =
        Counter.builder("trellis_coordinator_records_refused_total")
            .tag("reason", "protocol")
            .register(meters);
    droppedSlow =
        Counter.builder("trellis_coordinator_channels_dropped_total")
            .tag("reason", "slow")
            .register(meters);
  }

  void droppedSlow() {
    droppedSlow.increment();
  }

  /** Channels dropped because the device did not read its records fast enough. */
  public double droppedSlowTotal() {
    return droppedSlow.count();
  }

  void opened() {
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }

  void refused(ChannelException.Reason reason) {
    refused.get(reason).increment();
  }

  void protocolViolation() {
    protocol.increment();
  }

  /** Channels open now. */
  public int open() {
    return open.get();
  }

  /** Records refused so far, all reasons. */
  public double refusedTotal() {
    return refused.values().stream().mapToDouble(Counter::count).sum() + protocol.count();
  }
}
