package dev.trellis.admin.cli.failure;

/**
 * The server answered something that does not follow the admin API contract: malformed JSON, a
 * missing field, an error status without an error body. Exits with {@link #EXIT_FAILURE}.
 *
 * <p>Immutable, so safe to share between threads.
 */
public final class ResponseException extends AdminCliException {
  public ResponseException(String message) {
    super(message);
  }

  @Override
  public int exitCode() {
    return EXIT_FAILURE;
  }
}
