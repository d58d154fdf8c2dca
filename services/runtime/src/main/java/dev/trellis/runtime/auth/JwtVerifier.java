package dev.trellis.runtime.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URL;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies JWTs against a JWKS: the token must be a compact JWS signed with an allowed algorithm by
 * a key of the set (selected by {@code kid} and algorithm), carry the expected issuer and audience,
 * have an expiry that has not passed and no not-before/issued-at in the future (each with the
 * configured clock skew). Returns a {@link JwtResult}, never throws on bad tokens.
 *
 * <p>With a JWKS URL, keys are fetched over HTTP and cached (unknown key ids trigger a refresh,
 * rate limited), so {@link #verify(String)} may block on the network: call it on a worker thread,
 * or use {@link #verify(Vertx, String)}.
 *
 * <p>Thread-safety: immutable after building; safe for concurrent use.
 */
public final class JwtVerifier {
  private static final int MAX_TOKEN_LENGTH = 16 * 1024;
  private static final DefaultJWSVerifierFactory VERIFIERS = new DefaultJWSVerifierFactory();

  private final JWKSource<SecurityContext> keys;
  private final String issuer;
  private final String audience;
  private final Set<JWSAlgorithm> algorithms;
  private final Duration skew;
  private final Clock clock;

  private JwtVerifier(Builder b) {
    this.keys = Objects.requireNonNull(b.keys, "a JWKS (jwks or jwksUrl) is required");
    this.issuer = Objects.requireNonNull(b.issuer, "issuer is required");
    this.audience = Objects.requireNonNull(b.audience, "audience is required");
    this.algorithms = Set.copyOf(b.algorithms);
    this.skew = b.skew;
    this.clock = b.clock;
  }

  /** A builder; issuer, audience and a JWKS are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Verifies {@code token} on a worker thread (the JWKS may be fetched). */
  public Future<JwtResult> verify(Vertx vertx, String token) {
    return vertx.executeBlocking(() -> verify(token), false);
  }

  /** Verifies {@code token}; may block while the JWKS is fetched. */
  public JwtResult verify(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      return reject(JwtFailure.MALFORMED, "empty or longer than " + MAX_TOKEN_LENGTH);
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException | RuntimeException e) {
      return reject(JwtFailure.MALFORMED, "not a signed JWT");
    }
    JWSHeader header = jwt.getHeader();
    if (!algorithms.contains(header.getAlgorithm())) {
      return reject(JwtFailure.ALGORITHM_NOT_ALLOWED, "alg " + header.getAlgorithm());
    }
    List<JWK> candidates;
    try {
      candidates = keys.get(new JWKSelector(JWKMatcher.forJWSHeader(header)), null);
    } catch (KeySourceException e) {
      return reject(JwtFailure.KEYS_UNAVAILABLE, "JWKS unavailable: " + e.getMessage());
    }
    if (candidates == null || candidates.isEmpty()) {
      return reject(
          JwtFailure.UNKNOWN_KEY,
          "no key for kid " + header.getKeyID() + " and " + header.getAlgorithm());
    }
    if (!signatureVerifies(jwt, header, candidates)) {
      return reject(
          JwtFailure.BAD_SIGNATURE, "signature does not verify (kid " + header.getKeyID() + ")");
    }
    return checkClaims(claims);
  }

  private static boolean signatureVerifies(SignedJWT jwt, JWSHeader header, List<JWK> candidates) {
    for (Key key : KeyConverter.toJavaKeys(candidates)) {
      try {
        JWSVerifier verifier = VERIFIERS.createJWSVerifier(header, key);
        if (jwt.verify(verifier)) {
          return true;
        }
      } catch (JOSEException | IllegalStateException e) {
        // wrong key type or size for this algorithm: try the next key
      }
    }
    return false;
  }

  private JwtResult checkClaims(JWTClaimsSet claims) {
    Instant now = clock.instant();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      return reject(JwtFailure.EXPIRED, "no exp claim");
    }
    if (now.minus(skew).isAfter(exp.toInstant())) {
      return reject(JwtFailure.EXPIRED, "expired at " + exp.toInstant());
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
      return reject(JwtFailure.NOT_YET_VALID, "not before " + nbf.toInstant());
    }
    Date iat = claims.getIssueTime();
    if (iat != null && now.plus(skew).isBefore(iat.toInstant())) {
      return reject(JwtFailure.NOT_YET_VALID, "issued in the future at " + iat.toInstant());
    }
    if (!issuer.equals(claims.getIssuer())) {
      return reject(JwtFailure.WRONG_ISSUER, "issuer " + claims.getIssuer());
    }
    List<String> aud = claims.getAudience();
    if (aud == null || !aud.contains(audience)) {
      return reject(JwtFailure.WRONG_AUDIENCE, "audience " + aud);
    }
    return new JwtResult.Verified(claims);
  }

  private static JwtResult reject(JwtFailure failure, String detail) {
    return new JwtResult.Rejected(failure, detail);
  }

  /**
   * Builds a {@link JwtVerifier}.
   *
   * <p>Thread-safety: not thread-safe; use from one thread.
   */
  public static final class Builder {
    private JWKSource<SecurityContext> keys;
    private String issuer;
    private String audience;
    private Set<JWSAlgorithm> algorithms = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);
    private Duration skew = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Keys given in memory (their public parts; symmetric keys are ignored). */
    public Builder jwks(JWKSet set) {
      this.keys = new ImmutableJWKSet<>(set.toPublicJWKSet());
      return this;
    }

    /**
     * Keys fetched from {@code url} and cached for {@code cacheTtl}; {@code timeout} bounds each
     * connect and read.
     */
    public Builder jwksUrl(URL url, Duration cacheTtl, Duration timeout) {
      int millis = Math.toIntExact(timeout.toMillis());
      DefaultResourceRetriever retriever = new DefaultResourceRetriever(millis, millis, 512 * 1024);
      this.keys =
          JWKSourceBuilder.<SecurityContext>create(url, retriever)
              .cache(cacheTtl.toMillis(), Math.max(millis, 1000))
              .refreshAheadCache(false)
              .retrying(false)
              .build();
      return this;
    }

    /** The required {@code iss}. */
    public Builder issuer(String issuer) {
      this.issuer = issuer;
      return this;
    }

    /** The {@code aud} that must be among the token's audiences. */
    public Builder audience(String audience) {
      this.audience = audience;
      return this;
    }

    /** The signature algorithms accepted (default RS256 and ES256). */
    public Builder allowedAlgorithms(Set<JWSAlgorithm> algorithms) {
      if (algorithms.isEmpty()) {
        throw new IllegalArgumentException("at least one algorithm must be allowed");
      }
      this.algorithms = algorithms;
      return this;
    }

    /** Tolerance for clock differences on exp, nbf and iat (default 60 s). */
    public Builder clockSkew(Duration skew) {
      if (skew.isNegative()) {
        throw new IllegalArgumentException("clock skew must not be negative");
      }
      this.skew = skew;
      return this;
    }

    /** The clock (tests pass a fixed one). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** The verifier. */
    public JwtVerifier build() {
      return new JwtVerifier(this);
    }
  }
}
