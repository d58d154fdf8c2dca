package dev.trellis.identity.tailnet;

import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.access.TailnetLookup;
import dev.trellis.runtime.http.ApiException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Tailnet names: 1 to 63 characters of lower-case letters, digits, dots and hyphens, starting and
 * ending with a letter or digit, like a DNS label (so a name can become a MagicDNS suffix). A name
 * never has the form of a tailnet id ({@code tn} and 16 hex digits, see {@link TailnetLookup}), so
 * that no name can shadow another tailnet's id and a lookup by name or id is never ambiguous.
 *
 * <p>Thread-safety: stateless.
 */
public final class TailnetName {
  private static final Pattern FORM = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?");

  private TailnetName() {}

  /** The normalised (lower-case, trimmed) name; 400 naming the field when it is not valid. */
  public static String check(String name) {
    if (name == null || name.isBlank()) {
      throw ApiException.field(ErrorCode.VALIDATION_FAILED, "name", "A tailnet name is required.");
    }
    String n = name.trim().toLowerCase(Locale.ROOT);
    if (!FORM.matcher(n).matches()) {
      throw ApiException.field(
          ErrorCode.VALIDATION_FAILED,
          "name",
          "A tailnet name has 1-63 letters, digits, dots or hyphens and starts and ends with a"
              + " letter or digit.");
    }
    if (TailnetLookup.isIdForm(n)) {
      throw ApiException.field(
          ErrorCode.VALIDATION_FAILED,
          "name",
          "A tailnet name may not look like a tailnet id ('tn' and 16 hex digits).");
    }
    return n;
  }
}
