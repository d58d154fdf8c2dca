package dev.trellis.identity.signing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.trellis.identity.user.Roles;
import dev.trellis.proto.event.v1.LoginMethod;
import dev.trellis.proto.state.v1.UserRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;

/**
 * Issues web-session JWTs: ES256 with identity's current {@link SigningKey}, issuer {@link
 * #ISSUER}, audience {@link #AUDIENCE}, subject the user id, and claims {@code tailnet}, {@code
 * role}, {@code email}, {@code amr} ({@code pwd} or {@code oidc}), {@code sid} and {@code iat_ms}
 * (the issue time to the millisecond, against which revocations are compared). Other services
 * verify them with runtime's {@code JwtVerifier} against {@code /.well-known/jwks.json}.
 *
 * <p>Thread-safety: thread-safe; {@link #issue} blocks on Hazelcast to read the key.
 */
public final class SessionTokens {
  /** The {@code iss} of identity's tokens. */
  public static final String ISSUER = dev.trellis.runtime.access.SessionAuthenticator.ISSUER;

  /** The {@code aud} of web-session tokens. */
  public static final String AUDIENCE = dev.trellis.runtime.access.SessionAuthenticator.AUDIENCE;

  private final SigningKeys keys;
  private final Clock clock;
  private final Duration lifetime;

  /** An issued token: its compact form, session id and expiry. */
  public record Issued(String token, String sessionId, Instant expiresAt) {
    @Override
    public String toString() {
      return "Issued[session=" + sessionId + ", token=redacted]";
    }
  }

  public SessionTokens(SigningKeys keys, Clock clock, Duration lifetime) {
    this.keys = keys;
    this.clock = clock;
    this.lifetime = lifetime;
  }

  /** A session token for {@code user}, signed in by {@code method}. */
  public Issued issue(UserRecord user, LoginMethod method, String sessionId) {
    SigningKey key = keys.current();
    Instant now = clock.instant();
    Instant exp = now.plus(lifetime);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .subject(user.getUserId())
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(exp))
            .jwtID(sessionId)
            .claim(dev.trellis.runtime.access.SessionAuthenticator.ISSUED_AT_MS, now.toEpochMilli())
            .claim("sid", sessionId)
            .claim("tailnet", user.getTailnetId())
            .claim("role", Roles.name(user.getRole()))
            .claim("email", user.getEmail())
            .claim("amr", List.of(method == LoginMethod.OIDC ? "oidc" : "pwd"))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(SigningKeys.ALGORITHM)
                .keyID(key.kid())
                .type(JOSEObjectType.JWT)
                .build(),
            claims);
    try {
      jwt.sign(new ECDSASigner(key.pair()));
    } catch (JOSEException e) {
      throw new IllegalStateException("signing failed for kid " + key.kid(), e);
    }
    return new Issued(jwt.serialize(), sessionId, exp);
  }

  /** The lower-case name of a login method, for responses. */
  public static String method(LoginMethod m) {
    return m.name().toLowerCase(Locale.ROOT);
  }
}
