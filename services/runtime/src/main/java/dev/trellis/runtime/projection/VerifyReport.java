package dev.trellis.runtime.projection;

import java.util.List;

/**
 * What {@link ProjectionVerifier#verify} found: events replayed, maps and entries compared, and
 * every differing key. Immutable and thread-safe.
 */
public record VerifyReport(
    long eventsReplayed, int mapsCompared, long entriesCompared, List<Difference> differences) {
  public VerifyReport {
    differences = List.copyOf(differences);
  }

  /** True when the rebuild equals the live state. */
  public boolean consistent() {
    return differences.isEmpty();
  }
}
