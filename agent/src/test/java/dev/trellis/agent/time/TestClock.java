package dev.trellis.agent.time;

import java.time.Duration;
import java.time.Instant;

/**
 * A clock that moves only when a test calls {@link #advance}. It lives in {@code src/main} so that
 * other modules' tests can drive a device's timers with it. {@link #sleep} waits until the clock
 * has been advanced far enough, so a timer thread sleeping on it wakes as the test moves time on.
 *
 * <p>Thread-safety: all methods are safe from any thread; state is guarded by {@code this}.
 */
public final class TestClock implements Clock {
  private long nanos;
  private Instant wall;

  /** A clock at 2026-01-01T00:00:00Z with a monotonic origin of one hour. */
  public TestClock() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** A clock whose wall time starts at {@code start}. */
  public TestClock(Instant start) {
    this.wall = start;
    this.nanos = Duration.ofHours(1).toNanos();
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public synchronized Instant now() {
    return wall;
  }

  /** Moves both clocks forward by {@code step} and wakes sleepers. */
  public synchronized void advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("time only moves forward: " + step);
    }
    nanos += step.toNanos();
    wall = wall.plus(step);
    notifyAll();
  }

  @Override
  public synchronized void sleep(long duration) throws InterruptedException {
    long until = nanos + Math.max(0, duration);
    while (nanos < until) {
      wait();
    }
  }

  @Override
  public synchronized String toString() {
    return "TestClock[" + wall + "]";
  }
}
