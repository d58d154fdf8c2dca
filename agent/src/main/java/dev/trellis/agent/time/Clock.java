package dev.trellis.agent.time;

import java.time.Instant;

/**
 * The time source of the data plane: a monotonic clock for timers and a wall clock for handshake
 * timestamps, injected so that tests can run hours of protocol time in seconds with the test
 * fixtures' {@code TestClock}.
 *
 * <p>Thread-safety: implementations are safe for use from any thread.
 */
public interface Clock {
  /** Monotonic nanoseconds with an arbitrary origin, as {@link System#nanoTime()}. */
  long nanoTime();

  /** The wall-clock time. */
  Instant now();

  /**
   * Blocks until this clock's {@link #nanoTime()} has moved on by at least {@code nanos} (a system
   * clock sleeps; a test clock waits for the test to advance it).
   */
  void sleep(long nanos) throws InterruptedException;
}
