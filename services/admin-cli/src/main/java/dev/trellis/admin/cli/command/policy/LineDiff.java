package dev.trellis.admin.cli.command.policy;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.Arrays;
import java.util.List;

/**
 * What changed between two policy texts, as a unified diff ({@code diff -u}) with three lines of
 * context, computed by java-diff-utils (Myers' algorithm).
 *
 * <p>Stateless.
 */
final class LineDiff {
  static final int CONTEXT = 3;

  private LineDiff() {}

  /**
   * The unified diff from {@code before} (labelled {@code beforeName}) to {@code after} ({@code
   * afterName}); empty when the texts have the same lines.
   */
  static List<String> of(String before, String beforeName, String after, String afterName) {
    List<String> a = lines(before);
    List<String> b = lines(after);
    Patch<String> patch = DiffUtils.diff(a, b);
    if (patch.getDeltas().isEmpty()) {
      return List.of();
    }
    return UnifiedDiffUtils.generateUnifiedDiff(beforeName, afterName, a, patch, CONTEXT);
  }

  private static List<String> lines(String text) {
    if (text.isEmpty()) {
      return List.of();
    }
    String t = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    return Arrays.asList(t.split("\n", -1));
  }
}
