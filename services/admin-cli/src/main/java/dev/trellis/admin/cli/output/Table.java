package dev.trellis.admin.cli.output;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table printed with aligned columns: a header row, then the rows, columns separated by two
 * spaces and padded to the widest cell; the last column is not padded. Cells are made printable
 * with {@link Cells#printable}.
 *
 * <p>Not thread-safe: build and print it on one thread.
 */
public final class Table {
  private static final String GAP = "  ";
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(String... headers) {
    this.headers = List.of(headers);
  }

  /** Adds a row; it must have one cell per header (null cells print as {@code -}). */
  public Table row(String... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, table has " + headers.size() + " columns");
    }
    rows.add(Arrays.stream(cells).map(c -> c == null ? "-" : Cells.printable(c)).toList());
    return this;
  }

  /** Prints the header and every row to {@code out}. */
  public void print(PrintStream out) {
    int[] widths = new int[headers.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = headers.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    out.println(line(headers, widths));
    for (List<String> row : rows) {
      out.println(line(row, widths));
    }
    out.flush();
  }

  /** One line of cells, each padded to its width except the last. */
  public static String line(List<String> cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      b.append(cell);
      if (c < cells.size() - 1) {
        b.append(" ".repeat(Math.max(0, widths[c] - cell.length()))).append(GAP);
      }
    }
    return b.toString().stripTrailing();
  }
}
