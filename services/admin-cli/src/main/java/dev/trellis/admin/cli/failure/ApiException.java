package dev.trellis.admin.cli.failure;

/**
 * The server answered with an error body {@code {"error":{"code":"STABLE_CODE","message":"..."}}}.
 * Printed as {@code trellis-admin: <message> (<code>)}; exits with {@link #EXIT_FAILURE}.
 *
 * <p>Immutable, so safe to share between threads.
 */
public final class ApiException extends AdminCliException {
  private final int status;
  private final String code;

  public ApiException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** The HTTP status the server answered with. */
  public int status() {
    return status;
  }

  /** The stable error code from the error registry, e.g. {@code TAILNET_NOT_FOUND}. */
  public String code() {
    return code;
  }

  @Override
  public String userMessage() {
    return getMessage() + " (" + code + ")";
  }

  @Override
  public int exitCode() {
    return EXIT_FAILURE;
  }
}
