package dev.trellis.runtime.logging;

import java.util.Set;

/**
 * A stand-in for an exception whose message (or a cause's) carries unsafe or oversized text: the
 * same class name, stack trace, causes and suppressed exceptions, with each message made safe by
 * {@link LogText}. Its {@link #toString()} reads like the original's ({@code
 * java.lang.IllegalArgumentException: bad host\nname}), so the log shows what was thrown.
 *
 * <p>Thread-safety: effectively immutable once built.
 */
final class SafeThrowable extends Throwable {
  private final String className;

  private SafeThrowable(String className, String message, Throwable cause) {
    super(message, cause, true, true);
    this.className = className;
  }

  /** {@code t} itself when nothing in its chain needs changing, else a safe copy of the chain. */
  static Throwable of(Throwable t, int maxMessage, int maxDepth) {
    return needsCopy(t, maxMessage, SafeFieldsPolicy.seen(), maxDepth)
        ? copy(t, maxMessage, SafeFieldsPolicy.seen(), maxDepth)
        : t;
  }

  private static boolean needsCopy(Throwable t, int max, Set<Throwable> seen, int depth) {
    if (t == null || depth <= 0 || !seen.add(t)) {
      return false;
    }
    String m = t.getMessage();
    if (m != null && !LogText.safe(m, max).equals(m)) {
      return true;
    }
    for (Throwable s : t.getSuppressed()) {
      if (needsCopy(s, max, seen, depth - 1)) {
        return true;
      }
    }
    return needsCopy(t.getCause(), max, seen, depth - 1);
  }

  private static Throwable copy(Throwable t, int max, Set<Throwable> seen, int depth) {
    seen.add(t);
    Throwable cause = t.getCause();
    Throwable safeCause =
        cause != null && depth > 1 && !seen.contains(cause)
            ? copy(cause, max, seen, depth - 1)
            : null;
    String m = t.getMessage();
    SafeThrowable out =
        new SafeThrowable(
            t instanceof SafeThrowable s ? s.className : t.getClass().getName(),
            m == null ? null : LogText.safe(m, max),
            safeCause);
    out.setStackTrace(t.getStackTrace());
    for (Throwable s : t.getSuppressed()) {
      if (depth > 1 && !seen.contains(s)) {
        out.addSuppressed(copy(s, max, seen, depth - 1));
      }
    }
    return out;
  }

  /** The original class name. */
  String className() {
    return className;
  }

  @Override
  public String toString() {
    String m = getLocalizedMessage();
    return m == null ? className : className + ": " + m;
  }
}
