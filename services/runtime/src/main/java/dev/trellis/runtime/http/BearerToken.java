package dev.trellis.runtime.http;

import dev.trellis.proto.error.ErrorCode;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * A bearer token taken from the {@code Authorization: Bearer <token>} header. Its {@code toString}
 * is redacted so the token never reaches a log by accident; read it with {@link #value()} only to
 * verify it.
 *
 * <p>Thread-safety: immutable.
 *
 * @param value the token text
 */
public record BearerToken(String value) {
  private static final int MAX_LENGTH = 16 * 1024;

  /** The token of the request, or empty when there is no Bearer Authorization header. */
  public static Optional<BearerToken> from(RoutingContext ctx) {
    return parse(ctx.request().getHeader("Authorization"));
  }

  /**
   * The token of the request.
   *
   * @throws ApiException 401 UNAUTHENTICATED when the header is missing or malformed
   */
  public static BearerToken require(RoutingContext ctx) {
    return from(ctx)
        .orElseThrow(
            () ->
                ApiException.of(
                    ErrorCode.UNAUTHENTICATED,
                    "An 'Authorization: Bearer <token>' header is required."));
  }

  /** Parses an Authorization header value; empty for anything but a well-formed Bearer token. */
  public static Optional<BearerToken> parse(String header) {
    if (header == null || header.length() > MAX_LENGTH + 7) {
      return Optional.empty();
    }
    String h = header.strip();
    if (h.length() < 8 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = h.substring(7).strip();
    if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      return Optional.empty();
    }
    return Optional.of(new BearerToken(token));
  }

  /** Redacted. */
  @Override
  public String toString() {
    return "BearerToken[redacted]";
  }
}
