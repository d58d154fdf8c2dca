package dev.trellis.load.control;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one load run, printed at the end as one table: latency rows (n, p50, p99, max in
 * ms, from {@link Figures}) and value rows (a figure and its unit).
 *
 * <p>Thread-safety: thread-safe (synchronized).
 */
final class Table {
  private final String title;
  private final List<String> rows = new ArrayList<>();

  Table(String title) {
    this.title = title;
  }

  /** A latency row. */
  synchronized void latency(String label, long[] nanos) {
    Figures f = new Figures(nanos);
    rows.add(
        f.count() == 0
            ? String.format("| %-52s | %7d | %9s | %9s | %9s |", label, 0, "-", "-", "-")
            : String.format(
                "| %-52s | %7d | %9.1f | %9.1f | %9.1f |",
                label, f.count(), f.percentileMs(50), f.percentileMs(99), f.maxMs()));
  }

  /** A value row: {@code value} is printed as given (units included). */
  synchronized void value(String label, String value) {
    rows.add(String.format("| %-52s | %-41s |", label, value));
  }

  synchronized String render() {
    StringBuilder b = new StringBuilder();
    b.append(title).append('\n');
    b.append(
        String.format(
            "| %-52s | %7s | %9s | %9s | %9s |%n", "figure", "n", "p50 ms", "p99 ms", "max ms"));
    b.append("|")
        .append("-".repeat(54))
        .append("|---------|-----------|-----------|-----------|\n");
    for (String r : rows) {
      b.append(r).append('\n');
    }
    return b.toString();
  }
}
