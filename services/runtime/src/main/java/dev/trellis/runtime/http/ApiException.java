package dev.trellis.runtime.http;

import dev.trellis.proto.error.ErrorCode;
import java.util.Objects;

/**
 * Fails an HTTP request with a code from the error registry. Thrown from a handler (or passed to
 * {@code RoutingContext.fail}), it becomes the response {@code {"error":{"code":...,
 * "message":...,"field":...}}} with the code's HTTP status; {@code field} (optional) names the
 * request field at fault, e.g. {@code endpoints[0].port}. Carries no stack trace: it is an answer,
 * not a bug.
 *
 * <p>Thread-safety: immutable.
 */
public final class ApiException extends RuntimeException {
  private final transient ErrorCode code;
  private final String field;

  private ApiException(ErrorCode code, String message, String field, Throwable cause) {
    super(message == null ? code.defaultMessage() : message, cause, false, false);
    this.code = Objects.requireNonNull(code, "code");
    this.field = field;
  }

  /** The error with its default message. */
  public static ApiException of(ErrorCode code) {
    return new ApiException(code, null, null, null);
  }

  /** The error with a specific message (shown to the client: no secrets, no internals). */
  public static ApiException of(ErrorCode code, String message) {
    return new ApiException(code, message, null, null);
  }

  /** The error about one request field. */
  public static ApiException field(ErrorCode code, String field, String message) {
    return new ApiException(code, message, Objects.requireNonNull(field, "field"), null);
  }

  /** The error with a cause kept for the server log (never sent to the client). */
  public static ApiException of(ErrorCode code, String message, Throwable cause) {
    return new ApiException(code, message, null, cause);
  }

  /** The registry code. */
  public ErrorCode code() {
    return code;
  }

  /** The request field at fault, or null. */
  public String field() {
    return field;
  }
}
