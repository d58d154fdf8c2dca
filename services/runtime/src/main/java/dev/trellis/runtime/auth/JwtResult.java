package dev.trellis.runtime.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.trellis.runtime.http.ApiException;

/**
 * The outcome of verifying a JWT: {@link Verified} with its claims or {@link Rejected} with a typed
 * reason. The detail text is for logs and may name claims; it never contains the token.
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface JwtResult {
  /** The token verified; {@code claims} are its claims. */
  record Verified(JWTClaimsSet claims) implements JwtResult {}

  /** The token was rejected for {@code failure}; {@code detail} says more. */
  record Rejected(JwtFailure failure, String detail) implements JwtResult {
    /** The HTTP error for this rejection (the detail stays out of the client's message). */
    public ApiException toApiException() {
      return ApiException.of(failure.errorCode());
    }
  }

  /** The claims, or throws the rejection as an {@link ApiException}. */
  default JWTClaimsSet claimsOrThrow() {
    return switch (this) {
      case Verified v -> v.claims();
      case Rejected r -> throw r.toApiException();
    };
  }
}
