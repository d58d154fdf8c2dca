package dev.trellis.agent.daemon;

/**
 * Makes untrusted text (a peer's hostname or MagicDNS name, a server's message) safe for one log
 * line: control characters, line and paragraph separators, backslashes and quotes become escapes
 * ({@code \n}, {@code \x1b}, {@code \u2028}, {@code \\}, {@code \"}), and text past {@link #MAX}
 * characters is cut with {@code ...}, so a name can neither forge a line nor drive the terminal.
 *
 * <p>Thread-safety: stateless.
 */
final class LogText {
  /** The longest text kept (a DNS name is at most 253 characters). */
  static final int MAX = 256;

  private LogText() {}

  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), MAX) + 8);
    for (int i = 0; i < s.length(); i++) {
      if (i == MAX) {
        b.append("...");
        break;
      }
      char c = s.charAt(i);
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else if (Character.isISOControl(c)
              || c == '\u2028'
              || c == '\u2029'
              || Character.getType(c) == Character.FORMAT
              || Character.isSurrogate(c) && !validPair(s, i)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  private static boolean validPair(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
