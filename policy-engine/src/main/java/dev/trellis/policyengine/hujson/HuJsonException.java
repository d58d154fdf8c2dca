package dev.trellis.policyengine.hujson;

/**
 * The text is not valid HuJSON; carries the line and column of the first problem.
 *
 * <p>Thread-safety: immutable.
 */
public final class HuJsonException extends Exception {
  private final transient Position pos;

  public HuJsonException(Position pos, String message) {
    super(pos + ": " + message);
    this.pos = pos;
  }

  /** Where the problem is. */
  public Position pos() {
    return pos;
  }

  /** The message without the position prefix. */
  public String detail() {
    String m = getMessage();
    return m.substring(m.indexOf(": ") + 2);
  }
}
