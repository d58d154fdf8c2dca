package dev.trellis.runtime.http;

import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.text.UnsafeChars;

/**
 * Validates one untrusted text field (a name, a hostname, a description): at most a given number of
 * characters, and no control or bidirectional formatting characters ({@link UnsafeChars}), so that
 * what an administrator reads in a list, an audit line or a log is what was stored. A refusal is a
 * 400 naming the field and saying what is wrong; the offending text is never echoed.
 *
 * <p>Thread-safety: stateless.
 */
public final class TextField {
  /** The length every text field of a request body has at most unless it says otherwise. */
  public static final int DEFAULT_MAX = 256;

  private TextField() {}

  /**
   * {@code value} unchanged when it is acceptable (null stays null).
   *
   * @throws ApiException 400 {@code BAD_REQUEST} naming {@code field} otherwise
   */
  public static String check(String value, String field, int max) {
    String problem = problem(value, max);
    if (problem != null) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, field, problem);
    }
    return value;
  }

  /**
   * {@code value} with its unsafe characters removed and cut to {@code max} characters: for text
   * Trellis must accept from elsewhere (an identity provider's display name), where refusing would
   * lock a user out. Null becomes empty.
   */
  public static String clean(String value, int max) {
    if (value == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), max));
    for (int i = 0; i < value.length() && out.length() < max; ) {
      int cp = value.codePointAt(i);
      if (!UnsafeChars.isUnsafe(cp) && out.length() + Character.charCount(cp) <= max) {
        out.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    return out.toString();
  }

  /** What is wrong with {@code value} (a sentence for the client), or null when nothing is. */
  public static String problem(String value, int max) {
    if (value == null) {
      return null;
    }
    if (value.length() > max) {
      return "At most " + max + " characters are allowed.";
    }
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      if (UnsafeChars.isControl(cp)) {
        return "Control characters are not allowed.";
      }
      if (UnsafeChars.isBidi(cp)) {
        return "Bidirectional formatting characters (such as U+202E) are not allowed.";
      }
      i += Character.charCount(cp);
    }
    return null;
  }
}
