package dev.trellis.runtime.http;

import dev.trellis.proto.error.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler: turns every failed or unmatched request into {@code
 * {"error":{"code":"STABLE_CODE","message":"..."}}} with the code's HTTP status. An {@link
 * ApiException} keeps its code, message and field; a bare status (404 unmatched, 405, 413 from the
 * body limit, 400 from vertx-web) maps to its registry code; anything else is a bug and becomes
 * {@code 500 INTERNAL} with an error id that is logged with the stack trace, so an operator can
 * find it while the client learns nothing about the internals. Security-relevant refusals are
 * handed to the process's {@link RefusalListener}, if any, to be recorded.
 *
 * <p>Thread-safety: stateless; one instance serves all event loops.
 */
public final class ErrorResponder implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

  private final RefusalListener refusals;

  /** A responder that records nothing. */
  public ErrorResponder() {
    this(null);
  }

  /** A responder that hands refusals to {@code refusals} (may be null). */
  public ErrorResponder(RefusalListener refusals) {
    this.refusals = refusals;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ErrorCode code;
    String message;
    String field = null;
    String errorId = null;
    if (failure instanceof ApiException api) {
      if (refusals != null) {
        refusals.refused(ctx, api);
      }
      code = api.code();
      message = api.getMessage();
      field = api.field();
      if (api.getCause() != null) {
        errorId = newErrorId();
        LOG.warn(
            "{} {} -> {} [error id {}]",
            ctx.request().method(),
            ctx.request().path(),
            code.code(),
            errorId,
            api.getCause());
      }
    } else if (failure instanceof HttpException http && http.getStatusCode() < 500) {
      code = forStatus(http.getStatusCode());
      message = code.defaultMessage();
    } else if (failure == null && ctx.statusCode() > 0 && ctx.statusCode() < 500) {
      code = forStatus(ctx.statusCode());
      message = code.defaultMessage();
    } else {
      code = ErrorCode.INTERNAL;
      errorId = newErrorId();
      message = code.defaultMessage() + " Error id: " + errorId;
      LOG.error(
          "{} {} failed with status {} [error id {}]",
          ctx.request().method(),
          ctx.request().path(),
          ctx.statusCode(),
          errorId,
          failure);
    }
    send(ctx, code, message, field, errorId);
  }

  /** The registry code for an HTTP status vertx-web produced on its own. */
  static ErrorCode forStatus(int status) {
    return switch (status) {
      case 400 -> ErrorCode.BAD_REQUEST;
      case 401 -> ErrorCode.UNAUTHENTICATED;
      case 403 -> ErrorCode.FORBIDDEN;
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 409 -> ErrorCode.CONFLICT;
      case 413 -> ErrorCode.BODY_TOO_LARGE;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      case 429 -> ErrorCode.RATE_LIMITED;
      case 503 -> ErrorCode.UNAVAILABLE;
      default -> status >= 400 && status < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL;
    };
  }

  /** Writes the error body (unless a response is already under way, then resets the stream). */
  static void send(
      RoutingContext ctx, ErrorCode code, String message, String field, String errorId) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    JsonObject error = new JsonObject().put("code", code.code()).put("message", message);
    if (field != null) {
      error.put("field", field);
    }
    if (errorId != null) {
      error.put("errorId", errorId);
    }
    if (code == ErrorCode.UNAUTHENTICATED || code == ErrorCode.TOKEN_INVALID) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    if (code == ErrorCode.BODY_TOO_LARGE
        && ctx.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
      // The rest of the body is not read; do not reuse the HTTP/1 connection for the next request.
      response.putHeader("Connection", "close");
    }
    response
        .setStatusCode(code.httpStatus())
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).encode());
  }

  private static String newErrorId() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
