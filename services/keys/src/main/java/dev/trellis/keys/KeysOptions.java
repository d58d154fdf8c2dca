package dev.trellis.keys;

import java.time.Duration;
import java.util.Objects;

/**
 * How the key registry's timers behave.
 *
 * <p>Thread-safety: immutable.
 *
 * @param sweepInterval how often each instance checks its nodes for passed expiries and ephemeral
 *     nodes offline too long
 * @param ephemeralGrace how long an ephemeral node may stay offline before it is removed
 */
public record KeysOptions(Duration sweepInterval, Duration ephemeralGrace) {
  /** Defaults: sweep every second, remove ephemeral nodes after 5 minutes offline. */
  public static final KeysOptions DEFAULTS =
      new KeysOptions(Duration.ofSeconds(1), Duration.ofMinutes(5));

  public KeysOptions {
    Objects.requireNonNull(sweepInterval, "sweepInterval");
    Objects.requireNonNull(ephemeralGrace, "ephemeralGrace");
    if (sweepInterval.isNegative() || sweepInterval.isZero()) {
      throw new IllegalArgumentException("sweepInterval must be positive");
    }
    if (ephemeralGrace.isNegative()) {
      throw new IllegalArgumentException("ephemeralGrace must not be negative");
    }
  }
}
