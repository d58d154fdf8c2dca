package dev.trellis.agent.time;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The real clock: {@link System#nanoTime()} and {@link Instant#now()}.
 *
 * <p>Thread-safety: stateless.
 */
public final class SystemClock implements Clock {
  /** The one instance. */
  public static final SystemClock INSTANCE = new SystemClock();

  private SystemClock() {}

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public void sleep(long nanos) throws InterruptedException {
    if (nanos > 0) {
      TimeUnit.NANOSECONDS.sleep(nanos);
    }
  }
}
