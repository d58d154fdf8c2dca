package dev.trellis.identity.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.auth.JwtResult;
import dev.trellis.runtime.auth.JwtVerifier;
import dev.trellis.runtime.http.ApiException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies an OIDC ID token with runtime's {@link JwtVerifier} against the provider's JWKS
 * (signature with RS256 or ES256, issuer, audience = the client id, expiry), then the {@code nonce}
 * of the login it answers. Any failure is {@code OIDC_TOKEN_INVALID} (the provider being
 * unreachable is {@code OIDC_PROVIDER_UNAVAILABLE}); the detail goes to the cause, not the client.
 *
 * <p>Thread-safety: thread-safe; {@link #check} may fetch the JWKS (call from workers).
 */
public final class IdTokenCheck {
  private static final int MAX_VERIFIERS = 1000;
  private final Clock clock;
  private final Map<String, JwtVerifier> verifiers = new ConcurrentHashMap<>();

  public IdTokenCheck(Clock clock) {
    this.clock = clock;
  }

  /** The verified claims of {@code idToken}. */
  public JWTClaimsSet check(
      String idToken, String issuer, String clientId, URI jwks, String expectedNonce) {
    if (verifiers.size() > MAX_VERIFIERS) {
      // Microsoft's multi-tenant issuers make one verifier per tenant: keep the map bounded.
      verifiers.clear();
    }
    JwtVerifier verifier =
        verifiers.computeIfAbsent(
            issuer + "|" + clientId + "|" + jwks, k -> build(issuer, clientId, jwks));
    JwtResult result = verifier.verify(idToken);
    if (result instanceof JwtResult.Rejected r) {
      ErrorCode code =
          r.failure().errorCode() == ErrorCode.UNAVAILABLE
              ? ErrorCode.OIDC_PROVIDER_UNAVAILABLE
              : ErrorCode.OIDC_TOKEN_INVALID;
      throw ApiException.of(
          code, null, new IllegalStateException("ID token rejected: " + r.failure()));
    }
    JWTClaimsSet claims = ((JwtResult.Verified) result).claims();
    Object nonce = claims.getClaim("nonce");
    if (!(nonce instanceof String n)
        || !MessageDigest.isEqual(
            n.getBytes(StandardCharsets.UTF_8), expectedNonce.getBytes(StandardCharsets.UTF_8))) {
      throw ApiException.of(
          ErrorCode.OIDC_TOKEN_INVALID,
          null,
          new IllegalStateException("ID token nonce does not match the login"));
    }
    if (claims.getSubject() == null || claims.getSubject().isBlank()) {
      throw ApiException.of(
          ErrorCode.OIDC_TOKEN_INVALID, null, new IllegalStateException("ID token lacks sub"));
    }
    return claims;
  }

  private JwtVerifier build(String issuer, String clientId, URI jwks) {
    try {
      return JwtVerifier.builder()
          .jwksUrl(jwks.toURL(), Duration.ofMinutes(5), Duration.ofSeconds(10))
          .issuer(issuer)
          .audience(clientId)
          .allowedAlgorithms(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256))
          .clockSkew(Duration.ofSeconds(30))
          .clock(clock)
          .build();
    } catch (MalformedURLException e) {
      throw ApiException.of(ErrorCode.OIDC_PROVIDER_UNAVAILABLE, null, e);
    }
  }
}
