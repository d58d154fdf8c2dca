package dev.trellis.agent.wgconfig;

/**
 * A WireGuard configuration file that cannot be used: the message names the line and the problem
 * (and never quotes a key).
 *
 * <p>Thread-safety: immutable.
 */
public final class ConfigError extends Exception {
  private final int line;

  public ConfigError(int line, String problem) {
    super(line > 0 ? "line " + line + ": " + problem : problem);
    this.line = line;
  }

  /** The 1-based line number, or 0 for a problem with the file as a whole. */
  public int line() {
    return line;
  }
}
