package dev.trellis.runtime.access;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.http.ApiException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Credentials with which Trellis services call each other's internal endpoints ({@code
 * /api/v1/internal/...}): short-lived HS256 JWTs ({@code sub = service:<name>}, audience {@value
 * #AUDIENCE}) keyed by a 256-bit secret that the first service of the deployment creates in
 * Hazelcast. The trust boundary is cluster membership: only a process that has joined the cluster
 * can read the secret, mint a credential or verify one. No credential is ever stored or logged.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class ServiceCredentials {
  /** The Hazelcast map holding the deployment's service secret. */
  public static final String SECRET_MAP = "runtime.service-secret";

  /** The audience of every service credential. */
  public static final String AUDIENCE = "trellis-internal";

  /** How long a minted credential is valid. */
  public static final Duration LIFETIME = Duration.ofMinutes(5);

  private static final String SUBJECT_PREFIX = "service:";

  private final byte[] secret;
  private final Clock clock;
  private final Map<String, Minted> minted = new ConcurrentHashMap<>();

  private record Minted(String token, Instant expires) {}

  private ServiceCredentials(byte[] secret, Clock clock) {
    this.secret = secret;
    this.clock = clock;
  }

  /** Loads the deployment's secret from Hazelcast, creating it if this is the first service. */
  public static ServiceCredentials open(HazelcastInstance hazelcast, Clock clock) {
    IMap<String, byte[]> map = hazelcast.getMap(SECRET_MAP);
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    byte[] existing = map.putIfAbsent("hs256", fresh);
    return new ServiceCredentials(existing == null ? fresh : existing, clock);
  }

  /** Whether {@code text} looks like a JWT (three dot-separated parts) rather than an API token. */
  public static boolean looksLikeJwt(String text) {
    return text.startsWith("eyJ") && text.chars().filter(c -> c == '.').count() == 2;
  }

  /** A credential for {@code service}, reused until a minute before it expires. */
  public String mint(String service) {
    Instant now = clock.instant();
    Minted m = minted.get(service);
    if (m != null && now.plus(Duration.ofMinutes(1)).isBefore(m.expires())) {
      return m.token();
    }
    Instant expires = now.plus(LIFETIME);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .subject(SUBJECT_PREFIX + service)
            .audience(AUDIENCE)
            .issuer(AUDIENCE)
            .issueTime(Date.from(now))
            .expirationTime(Date.from(expires))
            .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(new MACSigner(secret));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a service credential", e);
    }
    String token = jwt.serialize();
    minted.put(service, new Minted(token, expires));
    return token;
  }

  /**
   * The calling service's name if {@code token} is a valid, unexpired service credential.
   *
   * @throws ApiException {@code TOKEN_INVALID} or {@code TOKEN_EXPIRED} otherwise
   */
  public String verify(String token) {
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())
          || !jwt.verify(new MACVerifier(secret))) {
        throw ApiException.of(ErrorCode.TOKEN_INVALID, "The service credential is not valid.");
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      String subject = claims.getSubject();
      if (subject == null
          || !subject.startsWith(SUBJECT_PREFIX)
          || !List.of(AUDIENCE).equals(claims.getAudience())) {
        throw ApiException.of(ErrorCode.TOKEN_INVALID, "The service credential is not valid.");
      }
      Date exp = claims.getExpirationTime();
      if (exp == null || !clock.instant().isBefore(exp.toInstant())) {
        throw ApiException.of(ErrorCode.TOKEN_EXPIRED, "The service credential has expired.");
      }
      return subject.substring(SUBJECT_PREFIX.length());
    } catch (ParseException | JOSEException e) {
      throw ApiException.of(ErrorCode.TOKEN_INVALID, "The service credential is not valid.");
    }
  }
}
