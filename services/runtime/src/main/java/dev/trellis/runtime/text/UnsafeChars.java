package dev.trellis.runtime.text;

/**
 * The one definition of characters that untrusted text must not carry into names, logs or
 * terminals: control characters (C0, DEL and C1, which include newlines and the escape that starts
 * ANSI sequences), the Unicode line and paragraph separators, and the bidirectional formatting
 * characters that reorder what a reader sees (the override and isolate controls of "Trojan Source",
 * U+202A-U+202E and U+2066-U+2069, and the marks U+200E, U+200F, U+061C).
 *
 * <p>{@link #isControl} and {@link #isBidi} are separate so that validation can name what it
 * refused; logging escapes both ({@code dev.trellis.runtime.logging.LogText}).
 *
 * <p>Thread-safety: stateless.
 */
public final class UnsafeChars {
  private UnsafeChars() {}

  /** A control character: C0 (U+0000-U+001F), DEL, C1 (U+0080-U+009F), U+2028 or U+2029. */
  public static boolean isControl(int cp) {
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029;
  }

  /** A bidirectional formatting character (override, embedding, isolate or mark). */
  public static boolean isBidi(int cp) {
    return (cp >= 0x202a && cp <= 0x202e)
        || (cp >= 0x2066 && cp <= 0x2069)
        || cp == 0x200e
        || cp == 0x200f
        || cp == 0x061c;
  }

  /** Whether {@code cp} is a control or bidirectional formatting character. */
  public static boolean isUnsafe(int cp) {
    return isControl(cp) || isBidi(cp);
  }

  /** Whether {@code text} has no unsafe character (true for null). */
  public static boolean isSafe(CharSequence text) {
    if (text == null) {
      return true;
    }
    for (int i = 0; i < text.length(); i++) {
      if (isUnsafe(text.charAt(i))) { // every unsafe character is in the BMP
        return false;
      }
    }
    return true;
  }
}
