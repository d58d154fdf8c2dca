package dev.trellis.coordinator.channel;

import dev.trellis.proto.channel.ChannelException;
import dev.trellis.runtime.logging.ThrottledLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * The channel's meters: channels open ({@code trellis_coordinator_channels_open}) and records or
 * handshakes refused by reason ({@code trellis_coordinator_records_refused_total}), channels
 * dropped for not reading ({@code trellis_coordinator_channels_dropped_total{reason="slow"}}), and
 * every channel closed with why ({@code trellis_coordinator_channels_closed_total{reason}}: the
 * device closed it, the coordinator ended it, an I/O error, lost without either, slow, protocol, no
 * handshake in time). What devices get wrong is logged through one {@link ThrottledLog} ({@code
 * trellis_bad_input_total{kind}}): a WARN line at most per kind and interval, never a stack trace.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class ChannelMetrics {
  private final AtomicInteger open = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong unwritten =
      new java.util.concurrent.atomic.AtomicLong();
  private final Map<ChannelException.Reason, Counter> refused =
      new EnumMap<>(ChannelException.Reason.class);
  private final Counter protocol;
  private final Counter droppedSlow;
  private final MeterRegistry meters;
  private final Map<String, Counter> closed = new java.util.concurrent.ConcurrentHashMap<>();
  private final ThrottledLog badInput;

  public ChannelMetrics(MeterRegistry meters) {
    this.meters = meters;
    this.badInput = new ThrottledLog(LoggerFactory.getLogger(DeviceChannel.class), meters);
    Gauge.builder("trellis_coordinator_channels_open", open, AtomicInteger::get).register(meters);
    Gauge.builder(
            "trellis_coordinator_channels_unwritten_bytes",
            unwritten,
            java.util.concurrent.atomic.AtomicLong::get)
        .register(meters);
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

  void unwritten(long delta) {
    unwritten.addAndGet(delta);
  }

  /** Bytes handed to every channel and not yet written to their sockets. */
  public long unwritten() {
    return unwritten.get();
  }

  void opened() {
    open.incrementAndGet();
  }

  /** Logs (rate-limited) and counts what a device or client got wrong. */
  public ThrottledLog badInput() {
    return badInput;
  }

  /** A channel without a map stream received nothing for the idle timeout. */
  static final String CLOSED_IDLE = "idle";

  /** The device did not complete the Noise handshake in time. */
  static final String CLOSED_HANDSHAKE_TIMEOUT = "handshake_timeout";

  /** The device sent a WebSocket close. */
  static final String CLOSED_BY_DEVICE = "device";

  /** The coordinator ended the channel normally (stream ended, no node, reauth). */
  static final String CLOSED_ENDED = "ended";

  /** The connection failed with an I/O error (reset, broken pipe). */
  static final String CLOSED_IO_ERROR = "io_error";

  /** A watched (router's) channel answered no ping for the liveness timeout. */
  static final String CLOSED_UNRESPONSIVE = "unresponsive";

  /** The connection went away without a close frame or an error (EOF). */
  static final String CLOSED_LOST = "lost";

  /** The reason counted for a close the coordinator initiated with WebSocket {@code code}. */
  static String closedByServer(short code) {
    return switch (code) {
      case 1000 -> CLOSED_ENDED;
      case 1013 -> "slow";
      case 1011 -> "send_failed";
      default -> "protocol";
    };
  }

  void closed(String reason) {
    open.decrementAndGet();
    closed
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("trellis_coordinator_channels_closed_total")
                    .tag("reason", r)
                    .register(meters))
        .increment();
  }

  /** Channels closed so far, by reason ("device", "ended", "io_error", "lost", "slow", ...). */
  public Map<String, Double> closedByReason() {
    Map<String, Double> out = new java.util.TreeMap<>();
    closed.forEach((r, c) -> out.put(r, c.count()));
    return out;
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
