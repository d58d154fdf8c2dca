package dev.trellis.admin.cli.time;

import dev.trellis.admin.cli.failure.UsageException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the {@code --since} argument of {@code audit} into an instant. Accepted forms:
 *
 * <ul>
 *   <li>an ISO-8601 instant or offset date-time: {@code 2026-11-24T10:15:00Z}, {@code
 *       2026-11-24T11:15:00+01:00};
 *   <li>a date, meaning its start in UTC: {@code 2026-11-24};
 *   <li>a duration ago: one or more number-unit pairs with units {@code s m h d w}, e.g. {@code
 *       30m}, {@code 1h}, {@code 7d}, {@code 1h30m}.
 * </ul>
 *
 * <p>Stateless apart from the injected clock, so safe to share between threads.
 */
public final class Since {
  private static final Pattern RELATIVE = Pattern.compile("(?:\\d{1,9}[smhdw])+");
  private static final Pattern PART = Pattern.compile("(\\d{1,9})([smhdw])");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  /** Nothing in the log can be older than this many days; guards against overflow. */
  private static final long MAX_DAYS = 365L * 1000;

  private final Clock clock;

  public Since(Clock clock) {
    this.clock = clock;
  }

  /** The instant {@code text} denotes; a usage error explains the accepted forms otherwise. */
  public Instant parse(String text) throws UsageException {
    String t = text.strip();
    try {
      if (RELATIVE.matcher(t).matches()) {
        return clock.instant().minus(relative(t));
      }
      if (DATE.matcher(t).matches()) {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      if (t.indexOf('T') > 0 || t.indexOf('t') > 0) {
        return OffsetDateTime.parse(t.toUpperCase(java.util.Locale.ROOT)).toInstant();
      }
    } catch (DateTimeException | ArithmeticException e) {
      // fall through to the explanation below
    }
    throw new UsageException(
        "invalid --since '"
            + printable(t)
            + "': expected an ISO-8601 instant (2026-11-24T10:00:00Z), a date (2026-11-24)"
            + " or a duration ago (30m, 1h, 7d)");
  }

  private static Duration relative(String t) {
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(t);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      Duration part =
          switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(Math.multiplyExact(n, 7));
          };
      total = total.plus(part);
    }
    if (total.toDays() > MAX_DAYS) {
      throw new ArithmeticException("too long ago");
    }
    return total;
  }

  private static String printable(String s) {
    String cut = s.length() > 60 ? s.substring(0, 60) + "..." : s;
    return cut.codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }
}
