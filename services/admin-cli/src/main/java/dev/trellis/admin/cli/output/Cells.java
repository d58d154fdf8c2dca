package dev.trellis.admin.cli.output;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Turns values from the server into table cells: strips control characters (a name or subject with
 * an escape sequence must not drive the operator's terminal) and prints times in UTC ISO-8601 at
 * seconds precision.
 *
 * <p>Stateless, so safe to share between threads.
 */
public final class Cells {
  private Cells() {}

  /** {@code s} with every control character (including ESC, CR, LF, C1) replaced by {@code ?}. */
  public static String printable(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean bad = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
      if (bad && b == null) {
        b = new StringBuilder(s.length()).append(s, 0, i);
      }
      if (b != null) {
        b.append(bad ? '?' : c);
      }
    }
    return b == null ? s : b.toString();
  }

  /**
   * {@code iso} (an ISO-8601 instant or offset date-time) as a UTC instant at seconds precision,
   * e.g. {@code 2026-11-24T10:15:00Z}; a value that does not parse is returned printable but as is.
   */
  public static String utcSeconds(String iso) {
    try {
      return DateTimeFormatter.ISO_INSTANT.format(
          OffsetDateTime.parse(iso).toInstant().truncatedTo(ChronoUnit.SECONDS));
    } catch (DateTimeException e) {
      return printable(iso);
    }
  }

  /** {@code instant} in UTC ISO-8601 at seconds precision. */
  public static String utcSeconds(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
