package dev.trellis.load.control;

import java.util.Arrays;

/**
 * Percentiles of a set of durations, printed as one table row in milliseconds.
 *
 * <p>Thread-safety: immutable after construction.
 */
final class Figures {
  private final long[] sortedNanos;

  Figures(long[] nanos) {
    sortedNanos = nanos.clone();
    Arrays.sort(sortedNanos);
  }

  int count() {
    return sortedNanos.length;
  }

  double percentileMs(double p) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
    return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, i))] / 1e6;
  }

  double maxMs() {
    return sortedNanos.length == 0 ? Double.NaN : sortedNanos[sortedNanos.length - 1] / 1e6;
  }

  /** "label n p50 p99 max" in ms. */
  String row(String label) {
    return String.format(
        "%-44s %7d %9.1f %9.1f %9.1f", label, count(), percentileMs(50), percentileMs(99), maxMs());
  }

  static String header() {
    return String.format("%-44s %7s %9s %9s %9s", "figure (ms)", "n", "p50", "p99", "max");
  }
}
