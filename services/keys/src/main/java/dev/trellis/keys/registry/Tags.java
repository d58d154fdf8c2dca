package dev.trellis.keys.registry;

import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * ACL tags on nodes: {@code tag:<name>} where the name is letters, digits and dashes, starting with
 * a letter, at most 63 characters; at most 32 tags per node, kept sorted without duplicates.
 *
 * <p>Thread-safety: stateless.
 */
public final class Tags {
  /** Most tags one node may carry. */
  public static final int MAX_TAGS = 32;

  private static final Pattern TAG = Pattern.compile("tag:[A-Za-z][A-Za-z0-9-]{0,62}");

  private Tags() {}

  /** The tags normalised (sorted, distinct); 400 naming {@code field} when one is malformed. */
  public static List<String> check(List<String> tags, String field) {
    if (tags == null) {
      return List.of();
    }
    if (tags.size() > MAX_TAGS) {
      throw ApiException.field(
          ErrorCode.BAD_REQUEST, field, "At most " + MAX_TAGS + " tags are allowed.");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < tags.size(); i++) {
      String t = tags.get(i);
      if (t == null || !TAG.matcher(t).matches()) {
        throw ApiException.field(
            ErrorCode.BAD_REQUEST,
            field + "[" + i + "]",
            "A tag looks like tag:name (letters, digits and dashes, starting with a letter).");
      }
      if (!out.contains(t)) {
        out.add(t);
      }
    }
    out.sort(null);
    return List.copyOf(out);
  }
}
