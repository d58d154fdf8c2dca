package dev.trellis.testkit;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The recent CPU time of a few threads (the event loops {@link BlockedEventLoops} watches), so that
 * a thread that held an event loop for a long wall time can be told apart from one that was merely
 * waiting for a core on a busy machine: a daemon thread reads each tracked thread's CPU time every
 * {@link #PERIOD_NANOS} and keeps the last {@link #SLOTS} readings.
 *
 * <p>Thread-safety: thread-safe; each thread's ring is written by the sampler only and read under
 * its monitor.
 */
final class ThreadCpuHistory {
  static final long PERIOD_NANOS = 10_000_000L;
  static final int SLOTS = 512; // about five seconds

  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  private final Map<Thread, Ring> rings = new ConcurrentHashMap<>();

  ThreadCpuHistory() {
    if (MX.isThreadCpuTimeSupported() && !MX.isThreadCpuTimeEnabled()) {
      MX.setThreadCpuTimeEnabled(true);
    }
    Thread.ofPlatform().daemon().name("testkit-cpu-history").start(this::run);
  }

  /** Starts sampling {@code t} (idempotent). */
  void track(Thread t) {
    rings.computeIfAbsent(t, x -> new Ring());
  }

  /** Whether {@code t} is sampled. */
  boolean tracks(Thread t) {
    return rings.containsKey(t);
  }

  /**
   * The CPU time {@code t} used from wall time {@code sinceNanos} ({@link System#nanoTime}) to now,
   * from the last reading at or before it (or the oldest kept), or -1 if unknown.
   */
  long cpuSince(Thread t, long sinceNanos) {
    Ring r = rings.get(t);
    long now = MX.getThreadCpuTime(t.threadId());
    if (r == null || now < 0) {
      return -1;
    }
    long base = r.cpuAtOrBefore(sinceNanos);
    return base < 0 ? -1 : now - base;
  }

  private void run() {
    while (true) {
      long wall = System.nanoTime();
      for (Map.Entry<Thread, Ring> e : rings.entrySet()) {
        Thread t = e.getKey();
        if (!t.isAlive()) {
          rings.remove(t);
          continue;
        }
        long cpu = MX.getThreadCpuTime(t.threadId());
        if (cpu >= 0) {
          e.getValue().add(wall, cpu);
        }
      }
      LockSupport.parkNanos(PERIOD_NANOS);
    }
  }

  /** The last readings of one thread. */
  private static final class Ring {
    private final long[] wall = new long[SLOTS];
    private final long[] cpu = new long[SLOTS];
    private int next; // guarded by this
    private int size; // guarded by this

    synchronized void add(long wallNanos, long cpuNanos) {
      wall[next] = wallNanos;
      cpu[next] = cpuNanos;
      next = (next + 1) % SLOTS;
      size = Math.min(size + 1, SLOTS);
    }

    synchronized long cpuAtOrBefore(long wallNanos) {
      if (size == 0) {
        return -1;
      }
      int oldest = (next - size + SLOTS) % SLOTS;
      long found = cpu[oldest];
      for (int k = 0; k < size; k++) {
        int i = (oldest + k) % SLOTS;
        if (wall[i] - wallNanos > 0) {
          break;
        }
        found = cpu[i];
      }
      return found;
    }
  }
}
