package dev.trellis.agent.controlclient;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Delays double up to the cap, keep within 25 % jitter below, and reset after success. */
class BackoffTest {
  @Test
  void doublesToTheCapWithJitterBelowAndResets() {
    Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(7));
    long[] bases = {1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
    for (long base : bases) {
      long d = b.next().toMillis();
      assertTrue(d <= base && d >= base * 3 / 4, d + " for base " + base);
    }
    b.reset();
    assertTrue(b.next().toMillis() <= 1000);
    Backoff fixed =
        new Backoff(Duration.ofMillis(10), Duration.ofMillis(10), new SplittableRandom(1));
    for (int i = 0; i < 100; i++) {
      assertTrue(fixed.next().toMillis() <= 10);
    }
  }
}
