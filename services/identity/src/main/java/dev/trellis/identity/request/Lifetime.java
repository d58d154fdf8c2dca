package dev.trellis.identity.request;

import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.http.ApiException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Parses lifetimes given in requests, such as {@code 30m}, {@code 24h} or {@code 90d}: a positive
 * whole number and one unit (s, m, h, d). Bad text is a 400 naming the field.
 *
 * <p>Thread-safety: stateless.
 */
public final class Lifetime {
  private static final Pattern FORM = Pattern.compile("([0-9]{1,6})([smhd])");

  private Lifetime() {}

  /**
   * The lifetime {@code text} in field {@code field}; {@code fallback} when text is null; at most
   * {@code max}.
   */
  public static Duration parse(String text, String field, Duration fallback, Duration max) {
    if (text == null) {
      return fallback;
    }
    var m = FORM.matcher(text.strip());
    if (!m.matches()) {
      throw ApiException.field(
          ErrorCode.BAD_REQUEST, field, "Expected a lifetime such as 30m, 24h or 90d.");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
    if (d.isZero()) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, field, "The lifetime must be positive.");
    }
    if (d.compareTo(max) > 0) {
      throw ApiException.field(
          ErrorCode.VALIDATION_FAILED, field, "The lifetime is at most " + max.toDays() + "d.");
    }
    return d;
  }
}
