package dev.trellis.policyengine.hujson;

/**
 * A place in a policy document: 1-based line and column (columns count UTF-16 chars). Line 0 means
 * "not tied to a place".
 *
 * <p>Thread-safety: immutable.
 */
public record Position(int line, int column) {
  /** For problems not tied to a place in the text. */
  public static final Position NONE = new Position(0, 0);

  @Override
  public String toString() {
    return line + ":" + column;
  }
}
