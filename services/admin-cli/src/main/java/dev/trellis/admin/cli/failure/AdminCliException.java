package dev.trellis.admin.cli.failure;

/**
 * An expected failure of a command: its message is printed as {@code trellis-admin: <message>} on
 * stderr without a stack trace, and the process exits with {@link #exitCode()}.
 *
 * <p>Immutable, so safe to share between threads.
 */
public abstract class AdminCliException extends Exception {
  /** Exit code for failures reported by or while talking to the server. */
  public static final int EXIT_FAILURE = 1;

  /** Exit code for usage errors: unknown command or flag, missing or malformed argument. */
  public static final int EXIT_USAGE = 2;

  protected AdminCliException(String message) {
    super(message, null, false, false);
  }

  /** The process exit code this failure maps to. */
  public abstract int exitCode();

  /** The one-line message shown to the operator after {@code trellis-admin: }. */
  public String userMessage() {
    return getMessage();
  }
}
