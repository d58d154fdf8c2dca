package dev.trellis.admin.cli.failure;

/**
 * The server could not be reached (connection refused, unknown host, timeout) or the connection
 * broke while a response was being read. Exits with {@link #EXIT_FAILURE}.
 *
 * <p>Immutable, so safe to share between threads.
 */
public final class UnreachableException extends AdminCliException {
  private UnreachableException(String message) {
    super(message);
  }

  /** No connection could be made to {@code server}. */
  public static UnreachableException cannotReach(String server, String reason) {
    return new UnreachableException("cannot reach the server at " + server + ": " + reason);
  }

  /** The connection to {@code server} broke while reading its answer. */
  public static UnreachableException connectionLost(String server, String reason) {
    return new UnreachableException(
        "lost the connection to the server at " + server + ": " + reason);
  }

  @Override
  public int exitCode() {
    return EXIT_FAILURE;
  }
}
