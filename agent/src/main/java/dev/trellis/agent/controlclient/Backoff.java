package dev.trellis.agent.controlclient;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays: doubling from {@code first} up to {@code max}, each with up to 25 % random
 * jitter subtracted so that many agents dropped at once do not return in lockstep. {@link #reset()}
 * after a connection that worked.
 *
 * <p>Thread-safety: not thread-safe; owned by the reconnecting thread.
 */
public final class Backoff {
  private final Duration first;
  private final Duration max;
  private final RandomGenerator random;
  private int failures;

  public Backoff(Duration first, Duration max, RandomGenerator random) {
    if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
      throw new IllegalArgumentException("need 0 < first <= max");
    }
    this.first = first;
    this.max = max;
    this.random = random;
  }

  /** The delay before the next attempt; grows with each call until {@link #reset()}. */
  public Duration next() {
    long base = first.toMillis() << Math.min(failures, 20);
    base = Math.min(base, max.toMillis());
    failures++;
    long jitter = (long) (base * 0.25 * random.nextDouble());
    return Duration.ofMillis(base - jitter);
  }

  /** Back to the first delay. */
  public void reset() {
    failures = 0;
  }
}
