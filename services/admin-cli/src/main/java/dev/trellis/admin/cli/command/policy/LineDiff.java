package dev.trellis.admin.cli.command.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * What changed between two policy texts, line by line: lines only in the old text prefixed {@code
 * -}, lines only in the new one {@code +}, from a longest common subsequence. Texts too long for a
 * quadratic table (over 4,000 lines each way) get a one-line summary instead.
 *
 * <p>Stateless.
 */
final class LineDiff {
  static final int MAX_LINES = 4000;

  private LineDiff() {}

  static List<String> of(String before, String after) {
    String[] a = before.split("\n", -1);
    String[] b = after.split("\n", -1);
    if (a.length > MAX_LINES || b.length > MAX_LINES) {
      return List.of("(" + a.length + " lines before, " + b.length + " lines now)");
    }
    int[][] lcs = new int[a.length + 1][b.length + 1];
    for (int i = a.length - 1; i >= 0; i--) {
      for (int j = b.length - 1; j >= 0; j--) {
        lcs[i][j] =
            a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i].equals(b[j])) {
        i++;
        j++;
      } else if (j < b.length && (i == a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
        out.add("+" + b[j++]);
      } else {
        out.add("-" + a[i++]);
      }
    }
    return out;
  }
}
