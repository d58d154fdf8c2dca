package dev.trellis.runtime.auth;

import dev.trellis.proto.error.ErrorCode;

/**
 * Why a JWT was rejected, with the registry code an HTTP handler answers with.
 *
 * <p>Thread-safety: immutable.
 */
public enum JwtFailure {
  /** Not a compact signed JWT (garbage, too long, unsigned "alg: none", or encrypted). */
  MALFORMED(ErrorCode.TOKEN_INVALID),
  /** Signed with an algorithm this verifier does not allow. */
  ALGORITHM_NOT_ALLOWED(ErrorCode.TOKEN_INVALID),
  /** No key in the JWKS matches the token's key id and algorithm. */
  UNKNOWN_KEY(ErrorCode.SIGNING_KEY_UNKNOWN),
  /** The signature does not verify with any matching key. */
  BAD_SIGNATURE(ErrorCode.TOKEN_INVALID),
  /** The expiry time (plus skew) has passed, or the token has no expiry. */
  EXPIRED(ErrorCode.TOKEN_EXPIRED),
  /** The not-before or issued-at time (minus skew) is in the future. */
  NOT_YET_VALID(ErrorCode.TOKEN_INVALID),
  /** The issuer is not the expected one. */
  WRONG_ISSUER(ErrorCode.TOKEN_INVALID),
  /** The audience does not include the expected one. */
  WRONG_AUDIENCE(ErrorCode.TOKEN_INVALID),
  /** The JWKS could not be fetched; the token may be fine, retry later. */
  KEYS_UNAVAILABLE(ErrorCode.UNAVAILABLE);

  private final ErrorCode errorCode;

  JwtFailure(ErrorCode errorCode) {
    this.errorCode = errorCode;
  }

  /** The registry code to answer an HTTP request with. */
  public ErrorCode errorCode() {
    return errorCode;
  }
}
