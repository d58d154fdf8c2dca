package dev.trellis.runtime.logging;

import dev.trellis.runtime.text.UnsafeChars;

/**
 * The one place that makes untrusted text safe for a log line: control characters, line separators
 * and bidirectional formatting characters ({@link UnsafeChars}) become visible escapes ({@code \n},
 * {@code \r}, {@code \t}, otherwise {@code \u001b}-style), so no value can start a forged line,
 * colour a terminal or reorder what a reader sees; and the text is cut at a maximum length with a
 * marker saying how much was left out, so one oversized value cannot write a huge line. Backslashes
 * are left as they are (the escapes are for readers, not for a parser).
 *
 * <p>{@link SafeFieldsPolicy} applies it to every field of every log event (message parameters,
 * structured key-values, exception messages); code never needs to call it before logging.
 *
 * <p>Thread-safety: stateless.
 */
public final class LogText {
  private LogText() {}

  /** {@code text} escaped and cut to at most about {@code max} characters (null is "null"). */
  public static String safe(CharSequence text, int max) {
    if (text == null) {
      return "null";
    }
    int n = text.length();
    if (n <= max && UnsafeChars.isSafe(text)) {
      return text.toString();
    }
    StringBuilder out = new StringBuilder(Math.min(n, max) + 16);
    int i = 0;
    for (; i < n && out.length() < max; i++) {
      char c = text.charAt(i);
      if (!UnsafeChars.isUnsafe(c)) {
        out.append(c);
      } else {
        switch (c) {
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> out.append(String.format("\\u%04x", (int) c));
        }
      }
    }
    if (i < n && Character.isHighSurrogate(out.charAt(out.length() - 1))) {
      out.setLength(out.length() - 1); // never cut a character in half
      i--;
    }
    if (i < n) {
      out.append("...[").append(n - i).append(" more chars]");
    }
    return out.toString();
  }
}
