package dev.trellis.agent.cli;

import dev.trellis.agent.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A system clock that runs {@code scale} times faster than real time, for interoperability tests
 * that must see time-driven protocol events (a rekey after REKEY_AFTER_TIME) within seconds. Real
 * protocol code runs unchanged; only its sense of time is sped up. Never for production use.
 *
 * <p>Thread-safety: immutable; safe from any thread.
 */
final class ScaledClock implements Clock {
  private final double scale;
  private final long originNanos = System.nanoTime();
  private final Instant originWall = Instant.now();

  ScaledClock(double scale) {
    this.scale = scale;
  }

  @Override
  public long nanoTime() {
    return originNanos + (long) ((System.nanoTime() - originNanos) * scale);
  }

  @Override
  public Instant now() {
    return originWall.plus(Duration.ofNanos(nanoTime() - originNanos));
  }

  @Override
  public void sleep(long nanos) throws InterruptedException {
    long real = (long) (nanos / scale);
    Thread.sleep(real / 1_000_000, (int) (real % 1_000_000));
  }
}
