package dev.trellis.testkit;

import dev.trellis.runtime.metrics.PrometheusMetrics;
import dev.trellis.runtime.service.VertxSetup;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Vert.x's blocked-thread checker into test failures. {@link #vertx} builds a Vert.x whose
 * event loops may hold a task for at most {@link #MAX_EVENT_LOOP_TIME} (much tighter than the
 * production limit), and {@link #watch} replaces the checker's log-only handler of any Vert.x with
 * one that records each report with the thread's stack. A harness calls {@link #assertNone()} after
 * each test or at close: a block fails the test with the stack of the code that held the thread.
 *
 * <p>What counts as a block: the checker reports a task that ran past the limit in wall time. On a
 * busy machine (the CI machine runs several builds on two cores) a short task can take that long
 * waiting for a core, so a report fails the test only when the thread really held the loop (see
 * {@link ThreadSample#waiting()}): it was kept waiting (parked, sleeping, in native I/O, or on a
 * monitor whose holder waits), or it used the limit's worth of CPU itself during the task (measured
 * by {@link ThreadCpuHistory}), or it is not an event loop (a worker past its own limit). CPU use
 * does not count for tasks that began while their Vert.x was {@link #starting} (a cold JVM loads
 * and initialises most of its classes then), and neither does class loading or a static
 * initialiser. Other reports are logged as slow, not failed.
 *
 * <p>One block is one record however many times the checker sees it: reports for the same thread
 * whose start times agree within two check intervals are merged.
 *
 * <p>Thread-safety: thread-safe; the checker reports from its own timer thread.
 */
public final class BlockedEventLoops {
  private static final Logger LOG = LoggerFactory.getLogger(BlockedEventLoops.class);
  private static final ThreadCpuHistory CPU = new ThreadCpuHistory();

  /**
   * The longest an event-loop task may run in tests: 200 ms unless {@code
   * -Dtrellis.test.max-event-loop-millis=N} says otherwise (production warns at 500 ms).
   */
  public static final Duration MAX_EVENT_LOOP_TIME =
      Duration.ofMillis(Long.getLong("trellis.test.max-event-loop-millis", 200));

  /** How often the checker looks. */
  public static final Duration CHECK_INTERVAL = Duration.ofMillis(50);

  /**
   * One task that ran past the limit: where, for how long at most, the CPU its thread used in that
   * time (-1 if unknown), whether it counts as blocking (see the class doc), and the stack.
   */
  public record Block(
      String label,
      String thread,
      long startNanos,
      long millis,
      long cpuMillis,
      long limitMillis,
      boolean blocking,
      String stack) {
    /** A multi-line description with the stack. */
    public String describe() {
      return String.format(
          Locale.ROOT,
          "%s: thread %s %s for %d ms, %s CPU (limit %d ms) at%n%s",
          label,
          thread,
          blocking ? "blocked" : "slow but not blocking",
          millis,
          cpuMillis < 0 ? "unknown" : cpuMillis + " ms",
          limitMillis,
          stack);
    }
  }

  private final List<Block> blocks = new ArrayList<>(); // guarded by this
  private final Map<String, Long> startedAt = new ConcurrentHashMap<>();

  /** A Vert.x with the tests' event-loop limit and metrics, watched by this recorder. */
  public Vertx vertx(String label, PrometheusMetrics metrics) {
    Vertx vertx = VertxSetup.create(metrics, MAX_EVENT_LOOP_TIME, CHECK_INTERVAL);
    watch(label, vertx);
    return vertx;
  }

  /**
   * Marks {@code label} as starting: until {@link #started} a cold JVM loads and initialises most
   * of its classes on the event loops, so CPU use then does not count, only waiting does.
   */
  public void starting(String label) {
    startedAt.put(label, Long.MAX_VALUE);
  }

  /** Marks {@code label} as started: tasks that begin from now on count their CPU use. */
  public void started(String label) {
    startedAt.put(label, System.nanoTime());
  }

  /** Whether a task of {@code label} that began at {@code start} began after its start-up. */
  private boolean afterStartUp(String label, long start) {
    Long at = startedAt.get(label);
    return at == null || (at != Long.MAX_VALUE && start - at > 0);
  }

  /** Records the blocked-thread reports of {@code vertx} (with whatever limits it was built). */
  public void watch(String label, Vertx vertx) {
    VertxInternal internal = (VertxInternal) vertx;
    for (EventExecutor loop : internal.eventLoopGroup()) {
      loop.execute(() -> CPU.track(Thread.currentThread()));
    }
    internal.blockedThreadChecker().setThreadBlockedHandler(e -> report(label, e));
  }

  private void report(String label, BlockedThreadEvent e) {
    Thread t = e.thread();
    ThreadSample sample = ThreadSample.of(t);
    long start = System.nanoTime() - e.duration();
    long cpu = CPU.cpuSince(t, start);
    boolean computing =
        cpu >= 0 && cpu >= e.maxExecTime() && afterStartUp(label, start) && !sample.warmingUp();
    boolean blocking = !CPU.tracks(t) || sample.waiting() || computing;
    Block b =
        new Block(
            label,
            t.getName(),
            start,
            e.duration() / 1_000_000,
            cpu < 0 ? -1 : cpu / 1_000_000,
            e.maxExecTime() / 1_000_000,
            blocking,
            sample.describe());
    Block merged = record(b);
    if (merged != null) {
      if (merged.blocking()) {
        LOG.warn("{}", merged.describe());
      } else {
        LOG.info("{}", merged.describe());
      }
    }
  }

  /**
   * Adds {@code b}, or merges it into the record of the same block; returns what to log (a new
   * block, or one that has just turned out to be blocking), else null.
   */
  private synchronized Block record(Block b) {
    long slack = 2 * CHECK_INTERVAL.toNanos();
    for (int i = 0; i < blocks.size(); i++) {
      Block seen = blocks.get(i);
      if (seen.label().equals(b.label())
          && seen.thread().equals(b.thread())
          && Math.abs(seen.startNanos() - b.startNanos()) <= slack) {
        boolean turned = b.blocking() && !seen.blocking();
        Block m =
            new Block(
                seen.label(),
                seen.thread(),
                seen.startNanos(),
                Math.max(seen.millis(), b.millis()),
                Math.max(seen.cpuMillis(), b.cpuMillis()),
                seen.limitMillis(),
                seen.blocking() || b.blocking(),
                turned ? b.stack() : seen.stack());
        blocks.set(i, m);
        return turned ? m : null;
      }
    }
    blocks.add(b);
    return b;
  }

  /** The reports recorded since the last call (blocking or only slow), which forgets them. */
  public synchronized List<Block> drain() {
    List<Block> out = List.copyOf(blocks);
    blocks.clear();
    return out;
  }

  /** Fails, naming every blocking report and its stack, if any came since the last check. */
  public void assertNone() {
    List<Block> found = drain().stream().filter(Block::blocking).toList();
    if (!found.isEmpty()) {
      StringBuilder m =
          new StringBuilder()
              .append(found.size())
              .append(" blocked Vert.x thread(s); move blocking work off the event loop:\n");
      for (Block b : found) {
        m.append(b.describe()).append('\n');
      }
      throw new AssertionError(m.toString());
    }
  }
}
