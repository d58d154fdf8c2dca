package dev.trellis.runtime.logging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The one logger for what clients get wrong (malformed requests, refused upgrades, bad reports):
 * every occurrence is counted ({@value #METER}{@code {kind=...}} in /metrics), and at most one WARN
 * line per kind is written per interval, carrying how many like it were not written since. Never a
 * stack trace: bad input is the client's problem, not a bug, and a client must not be able to fill
 * the log by repeating it.
 *
 * <p>Kinds are short constants chosen by the caller ({@code channel_upgrade}, {@code
 * http_bad_request}), never client text, so the set of counters and windows stays small.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class ThrottledLog {
  /** The counter of occurrences, tagged by kind. */
  public static final String METER = "trellis_bad_input_total";

  /** At most one line per kind per this interval unless told otherwise. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  private final Logger log;
  private final MeterRegistry meters;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  /** One kind's window: when the last line was written and how many were held back since. */
  private static final class Window {
    private final Counter counter;
    // guarded by this
    private long lastLineNanos;
    private boolean written;
    private long suppressed;

    Window(Counter counter) {
      this.counter = counter;
    }
  }

  /** Lines to {@code log}, counts to {@code meters} (null: counted in memory only). */
  public ThrottledLog(Logger log, MeterRegistry meters) {
    this(log, meters, DEFAULT_INTERVAL, System::nanoTime);
  }

  /** With an interval and a time source (tests). */
  public ThrottledLog(Logger log, MeterRegistry meters, Duration interval, LongSupplier nanoTime) {
    this.log = log;
    this.meters = meters == null ? new SimpleMeterRegistry() : meters;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * Counts one occurrence of {@code kind} and writes {@code format} with {@code args} at WARN
   * unless a line of this kind was written within the interval. Arguments are untrusted text; the
   * logging pipeline escapes and caps them.
   */
  public void warn(String kind, String format, Object... args) {
    Window w = windows.computeIfAbsent(kind, this::window);
    w.counter.increment();
    long now = nanoTime.getAsLong();
    long held;
    synchronized (w) {
      if (w.written && now - w.lastLineNanos < intervalNanos) {
        w.suppressed++;
        return;
      }
      w.written = true;
      w.lastLineNanos = now;
      held = w.suppressed;
      w.suppressed = 0;
    }
    if (!log.isWarnEnabled()) {
      return;
    }
    if (held > 0) {
      log.warn(
          format + " ({} more like this in the last {} s)",
          append(args, held, Duration.ofNanos(intervalNanos).toSeconds()));
    } else {
      log.warn(format, args);
    }
  }

  /** Occurrences of {@code kind} so far (all of them, written or not). */
  public long count(String kind) {
    Window w = windows.get(kind);
    return w == null ? 0 : (long) w.counter.count();
  }

  private Window window(String kind) {
    return new Window(
        Counter.builder(METER)
            .description("Bad input from clients, by kind (logged at most once per interval)")
            .tag("kind", kind)
            .register(meters));
  }

  private static Object[] append(Object[] args, Object... more) {
    Object[] out = new Object[args.length + more.length];
    System.arraycopy(args, 0, out, 0, args.length);
    System.arraycopy(more, 0, out, args.length, more.length);
    return out;
  }
}
