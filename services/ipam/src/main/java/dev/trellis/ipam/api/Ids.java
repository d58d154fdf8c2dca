package dev.trellis.ipam.api;

import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.http.ApiException;
import java.util.regex.Pattern;

/**
 * Checks tailnet and node ids taken from requests before they become parts of map keys: 1 to 64
 * characters of letters, digits, {@code .}, {@code _} and {@code -}, starting with a letter or
 * digit (identity's {@code tn<hex>} and the key registry's {@code n<hex>} fit; {@code /}, which
 * separates key parts, does not).
 *
 * <p>Thread-safety: stateless.
 */
final class Ids {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private Ids() {}

  /** {@code value} when it is a valid id; else 400 naming {@code field}. */
  static String require(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, field, "Missing " + field + ".");
    }
    if (!ID.matcher(value).matches()) {
      throw ApiException.field(
          ErrorCode.BAD_REQUEST,
          field,
          "Not a valid id: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit.");
    }
    return value;
  }
}
