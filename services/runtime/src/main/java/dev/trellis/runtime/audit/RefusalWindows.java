package dev.trellis.runtime.audit;

import com.google.protobuf.Timestamp;
import dev.trellis.proto.event.v1.AccessRefused;
import dev.trellis.proto.event.v1.Actor;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rate limit of {@link RefusalAudit}: like refusals (same tailnet, actor, presented token and
 * reason) share a window of a fixed length. The first refusal of a window is to be recorded at
 * once; the others are held and counted, and when the window closes they become one record with
 * their count and the time of the first of them. At most {@value #MAX_WINDOWS} windows are open;
 * refusals beyond are counted as unrecorded.
 *
 * <p>Thread-safety: thread-safe (one lock; the work under it is a map operation).
 */
final class RefusalWindows {
  static final int MAX_WINDOWS = 10_000;

  private final Clock clock;
  private final Duration window;
  private final Counter unrecorded;
  private final Map<String, Window> open = new LinkedHashMap<>();

  /** A refusal (or several) to record in {@code tailnet} for {@code actor}. */
  record Record(String tailnet, Actor actor, AccessRefused payload) {}

  private static final class Window {
    final String tailnet;
    final Actor actor;
    final Instant opened;
    AccessRefused held;
    Instant firstHeld;
    int count;

    Window(String tailnet, Actor actor, Instant opened) {
      this.tailnet = tailnet;
      this.actor = actor;
      this.opened = opened;
    }
  }

  RefusalWindows(Clock clock, Duration window, Counter unrecorded) {
    this.clock = clock;
    this.window = window;
    this.unrecorded = unrecorded;
  }

  Duration window() {
    return window;
  }

  /**
   * Adds one refusal; the records to write now: the refusal itself when it opens a window, after
   * the held record of a window of the same key that closed but was not flushed yet.
   */
  synchronized List<Record> add(String tailnet, Actor actor, AccessRefused what) {
    Instant now = clock.instant();
    String key =
        tailnet
            + "\n"
            + actor.getKind()
            + "\n"
            + actor.getId()
            + "\n"
            + what.getTokenId()
            + "\n"
            + what.getReasonCode();
    List<Record> out = new ArrayList<>(2);
    Window w = open.get(key);
    if (w != null && !now.isBefore(w.opened.plus(window))) {
      open.remove(key);
      held(w).ifPresent(out::add);
      w = null;
    }
    if (w != null) {
      if (w.count == 0) {
        w.held = what;
        w.firstHeld = now;
      }
      w.count++;
      return out;
    }
    if (open.size() >= MAX_WINDOWS) {
      unrecorded.increment();
      return out;
    }
    open.put(key, new Window(tailnet, actor, now));
    out.add(new Record(tailnet, actor, what.toBuilder().setCount(1).setFirstAt(ts(now)).build()));
    return out;
  }

  private static Optional<Record> held(Window w) {
    return w.count == 0
        ? Optional.empty()
        : Optional.of(
            new Record(
                w.tailnet,
                w.actor,
                w.held.toBuilder().setCount(w.count).setFirstAt(ts(w.firstHeld)).build()));
  }

  /** The records of the windows that closed (all of them when {@code all}); they are forgotten. */
  synchronized List<Record> closed(boolean all) {
    Instant now = clock.instant();
    List<Record> out = new ArrayList<>();
    for (Iterator<Window> it = open.values().iterator(); it.hasNext(); ) {
      Window w = it.next();
      if (!all && now.isBefore(w.opened.plus(window))) {
        continue;
      }
      it.remove();
      held(w).ifPresent(out::add);
    }
    return out;
  }

  private static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
