package dev.trellis.agent.cli;

/**
 * A command line that cannot be run: an unknown command or flag, a missing or bad value. The
 * message says what is wrong; the entry point prints it with the usage and exits with status 2.
 *
 * <p>Thread-safety: immutable.
 */
public final class UsageError extends Exception {
  public UsageError(String message) {
    super(message);
  }
}
