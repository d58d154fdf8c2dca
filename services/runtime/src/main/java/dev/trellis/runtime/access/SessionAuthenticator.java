package dev.trellis.runtime.access;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.SessionRevocationRecord;
import dev.trellis.proto.state.v1.SigningKeyRecord;
import dev.trellis.proto.state.v1.UserRecord;
import dev.trellis.runtime.auth.JwtVerifier;
import dev.trellis.runtime.http.ApiException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Lets a signed-in user's web session (the ES256 JWT identity issues at login) call the admin API
 * like an API token: the signature is checked locally against identity's published signing keys
 * (the {@link StateMaps#SIGNING_KEYS} projection, retired keys until their end of validity), then
 * the user is looked up so that the role acted with is the user's <em>current</em> role and a
 * removed user's session stops working at once, and the user's {@link
 * StateMaps#SESSION_REVOCATIONS} record says whether the session ended early: every session issued
 * at or before the user's last password change, role change or removal, and each signed-out
 * session, is refused ({@code TOKEN_REVOKED}) on every instance as soon as identity's projection
 * records it. A session's issue time is its {@code iat_ms} claim (milliseconds), else its {@code
 * iat}.
 *
 * <p>Thread-safety: thread-safe; {@link #authenticate} blocks on Hazelcast and runs on a worker.
 */
public final class SessionAuthenticator {
  /** The {@code iss} of identity's session tokens. */
  public static final String ISSUER = "trellis-identity";

  /** The {@code aud} of identity's session tokens. */
  public static final String AUDIENCE = "trellis-web";

  private final IMap<String, byte[]> signingKeys;
  private final IMap<String, byte[]> users;
  private final IMap<String, byte[]> revocations;
  private final Clock clock;

  /** The claim holding a session's issue time in milliseconds. */
  public static final String ISSUED_AT_MS = "iat_ms";

  public SessionAuthenticator(HazelcastInstance hazelcast, Clock clock) {
    this.signingKeys = hazelcast.getMap(StateMaps.SIGNING_KEYS);
    this.users = hazelcast.getMap(StateMaps.USERS);
    this.revocations = hazelcast.getMap(StateMaps.SESSION_REVOCATIONS);
    this.clock = clock;
  }

  /**
   * The principal of a valid session; blocks.
   *
   * @throws ApiException {@code TOKEN_INVALID} / {@code TOKEN_EXPIRED} for a bad session
   */
  public Principal authenticate(String token) {
    JWTClaimsSet claims =
        JwtVerifier.builder()
            .jwks(new JWKSet(keys()))
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .allowedAlgorithms(Set.of(JWSAlgorithm.ES256))
            .clock(clock)
            .build()
            .verify(token)
            .claimsOrThrow();
    byte[] raw = users.get(claims.getSubject());
    if (raw == null) {
      throw ApiException.of(ErrorCode.TOKEN_REVOKED, "The session's user no longer exists.");
    }
    try {
      UserRecord user = UserRecord.parseFrom(raw);
      String sid = claims.getStringClaim("sid");
      String sessionId = sid == null ? claims.getJWTID() : sid;
      requireNotEnded(user.getUserId(), sessionId, issuedAtMillis(claims));
      return Principal.session(sessionId, user);
    } catch (InvalidProtocolBufferException | ParseException e) {
      throw ApiException.of(ErrorCode.TOKEN_INVALID, "The session is not valid.");
    }
  }

  private static long issuedAtMillis(JWTClaimsSet claims) throws ParseException {
    Long ms = claims.getLongClaim(ISSUED_AT_MS);
    if (ms != null) {
      return ms;
    }
    return claims.getIssueTime() == null ? 0 : claims.getIssueTime().getTime();
  }

  private void requireNotEnded(String userId, String sessionId, long issuedAtMs)
      throws InvalidProtocolBufferException {
    byte[] raw = revocations.get(userId);
    if (raw == null) {
      return;
    }
    SessionRevocationRecord r = SessionRevocationRecord.parseFrom(raw);
    if (r.hasNotBefore() && issuedAtMs <= millis(r.getNotBefore())) {
      throw ApiException.of(
          ErrorCode.TOKEN_REVOKED,
          "The session ended (the user's password or role changed); sign in again.");
    }
    for (SessionRevocationRecord.EndedSession ended : r.getEndedList()) {
      if (ended.getSessionId().equals(sessionId)) {
        throw ApiException.of(ErrorCode.TOKEN_REVOKED, "The session was signed out.");
      }
    }
  }

  private static long millis(com.google.protobuf.Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }

  private List<JWK> keys() {
    Instant now = clock.instant();
    List<JWK> out = new ArrayList<>();
    for (byte[] raw : signingKeys.values()) {
      try {
        SigningKeyRecord r = SigningKeyRecord.parseFrom(raw);
        if (r.hasValidUntil()
            && !now.isBefore(Instant.ofEpochSecond(r.getValidUntil().getSeconds()))) {
          continue;
        }
        out.add(JWK.parse(r.getPublicJwkJson()));
      } catch (InvalidProtocolBufferException | ParseException e) {
        // an unreadable key verifies nothing
      }
    }
    return out;
  }
}
