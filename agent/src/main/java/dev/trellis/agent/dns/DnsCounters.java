package dev.trellis.agent.dns;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the resolver did, counted: queries received, answered here, forwarded, answered with each
 * error code, and dropped for each reason. Shown by {@code trellis dns status}.
 *
 * <p>Thread-safety: thread-safe (one {@link LongAdder} per figure).
 */
public final class DnsCounters {
  /** Why a packet got no answer at all. */
  public enum Drop {
    /** Shorter than a DNS header, or unreadable with the query bit unclear. */
    MALFORMED,
    /** Longer than {@link Responder#MAX_QUERY} bytes. */
    OVERSIZED,
    /** A response (QR set) sent to the resolver: answering could start a loop. */
    NOT_A_QUERY,
    /** From an address that is not this host's own (the input guard should have stopped it). */
    FOREIGN_SOURCE,
    /** Over the TCP connection limit. */
    OVERLOADED
  }

  /** Error answers, by name. */
  public enum Error {
    FORMERR,
    SERVFAIL,
    NXDOMAIN,
    NOTIMP,
    REFUSED,
    BADVERS
  }

  private final LongAdder queries = new LongAdder();
  private final LongAdder local = new LongAdder();
  private final LongAdder forwarded = new LongAdder();
  private final LongAdder upstreamTimeouts = new LongAdder();
  private final LongAdder loops = new LongAdder();
  private final LongAdder coalesced = new LongAdder();
  private final Map<Drop, LongAdder> drops = new EnumMap<>(Drop.class);
  private final Map<Error, LongAdder> errors = new EnumMap<>(Error.class);

  public DnsCounters() {
    for (Drop d : Drop.values()) {
      drops.put(d, new LongAdder());
    }
    for (Error e : Error.values()) {
      errors.put(e, new LongAdder());
    }
  }

  void query() {
    queries.increment();
  }

  void local() {
    local.increment();
  }

  void forwarded() {
    forwarded.increment();
  }

  void upstreamTimeout() {
    upstreamTimeouts.increment();
  }

  void loop() {
    loops.increment();
  }

  void coalesced() {
    coalesced.increment();
  }

  void drop(Drop d) {
    drops.get(d).increment();
  }

  void error(Error e) {
    errors.get(e).increment();
  }

  /** Queries received (including the dropped ones). */
  public long queries() {
    return queries.sum();
  }

  /** Queries answered from the record table. */
  public long answeredLocally() {
    return local.sum();
  }

  /** Queries sent upstream. */
  public long forwardedCount() {
    return forwarded.sum();
  }

  /** Packets dropped for {@code reason}. */
  public long dropped(Drop reason) {
    return drops.get(reason).sum();
  }

  /** Answers with error code {@code e}. */
  public long errors(Error e) {
    return errors.get(e).sum();
  }

  /** Upstream attempts that timed out. */
  public long upstreamTimeouts() {
    return upstreamTimeouts.sum();
  }

  /** Forwarded queries that waited for an identical one already upstream. */
  public long coalescedCount() {
    return coalesced.sum();
  }

  /** Forwarded queries refused as a suspected loop. */
  public long loops() {
    return loops.sum();
  }

  /** Every figure by name, in a stable order (for status output). */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("queries", queries());
    out.put("answered_locally", answeredLocally());
    out.put("forwarded", forwardedCount());
    out.put("upstream_timeouts", upstreamTimeouts());
    out.put("coalesced", coalescedCount());
    out.put("loops", loops());
    for (Error e : Error.values()) {
      out.put("rcode_" + e.name().toLowerCase(java.util.Locale.ROOT), errors(e));
    }
    for (Drop d : Drop.values()) {
      out.put("dropped_" + d.name().toLowerCase(java.util.Locale.ROOT), dropped(d));
    }
    return out;
  }
}
