package dev.trellis.runtime.http;

import dev.trellis.proto.error.ErrorCode;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads an {@code If-Match} header that carries a version number, for optimistic concurrency on
 * documents with a version (the ACL policy, the DNS settings): {@code 3}, {@code "3"} and {@code
 * W/"3"} all mean version 3.
 *
 * <p>Thread-safety: stateless.
 */
public final class IfMatch {
  private IfMatch() {}

  /**
   * The version in the request's {@code If-Match}; null when absent.
   *
   * @param what what is versioned, for the error ("a policy version number")
   * @throws ApiException 400 naming {@code If-Match} when it is not a version number
   */
  public static Long version(RoutingContext ctx, String what) {
    String h = ctx.request().getHeader("If-Match");
    if (h == null || h.isBlank()) {
      return null;
    }
    String v = h.trim();
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    try {
      long n = Long.parseLong(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw ApiException.field(ErrorCode.BAD_REQUEST, "If-Match", "If-Match must be " + what + ".");
  }
}
