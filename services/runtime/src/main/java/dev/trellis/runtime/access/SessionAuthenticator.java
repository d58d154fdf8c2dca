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
 * removed user's session stops working at once.
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
  private final Clock clock;

  public SessionAuthenticator(HazelcastInstance hazelcast, Clock clock) {
    this.signingKeys = hazelcast.getMap(StateMaps.SIGNING_KEYS);
    this.users = hazelcast.getMap(StateMaps.USERS);
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
      throw ApiException.of(ErrorCode.TOKEN_INVALID, "The session's user no longer exists.");
    }
    try {
      UserRecord user = UserRecord.parseFrom(raw);
      String sid = claims.getStringClaim("sid");
      return Principal.session(sid == null ? claims.getJWTID() : sid, user);
    } catch (InvalidProtocolBufferException | ParseException e) {
      throw ApiException.of(ErrorCode.TOKEN_INVALID, "The session is not valid.");
    }
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
