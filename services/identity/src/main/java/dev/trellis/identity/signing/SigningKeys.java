package dev.trellis.identity.signing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.trellis.identity.journal.IdentityLog;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.SigningKeyRotated;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.SigningKeyRecord;
import dev.trellis.runtime.access.ApiTokenText;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Identity's ES256 token-signing keys: the current key signs, the previous one stays in the JWKS
 * until tokens it signed have expired.
 *
 * <p><b>Where the private keys live, and why.</b> Every identity instance must sign with the same
 * key, or a token from one instance fails at services that fetched another's JWKS. The private JWKs
 * are kept in a private Hazelcast map ({@link #PRIVATE_MAP}, replicated with a backup like every
 * map, never exported and never on the event log, where {@code SigningKeyRotated} carries the
 * public JWK only). The state directory was the alternative; it is per instance, so replicas would
 * need a shared volume or would each mint their own key. The price of Hazelcast: if the whole
 * cluster is lost, the keys are lost; the next start mints a new key and users sign in again
 * (session tokens are short-lived). Creating the first key is decided with {@code putIfAbsent}, a
 * rotation with {@code replace(old, new)}, so concurrent instances agree on one current key.
 *
 * <p>The JWKS is read from the projection of {@code SigningKeyRotated} ({@link
 * StateMaps#SIGNING_KEYS}), so any service can rebuild and serve it.
 *
 * <p>Thread-safety: thread-safe; methods block on Hazelcast (call from workers).
 */
public final class SigningKeys {
  /** The private map: {@code current} and {@code previous} private JWK JSON. */
  public static final String PRIVATE_MAP = "identity-private.signing-keys";

  /** The JWS algorithm of every key. */
  public static final JWSAlgorithm ALGORITHM = JWSAlgorithm.ES256;

  private static final String CURRENT = "current";
  private static final String PREVIOUS = "previous";
  private static final Actor SYSTEM =
      Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("identity").setDisplay("signing").build();

  private final Vertx vertx;
  private final Events events;
  private final IdentityLog log;
  private final Clock clock;
  private final Duration tokenLifetime;
  private final IMap<String, String> secrets;
  private final IMap<String, byte[]> published;
  private volatile SigningKey cached;

  public SigningKeys(
      Vertx vertx,
      Events events,
      IdentityLog log,
      Clock clock,
      Duration tokenLifetime,
      HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.events = events;
    this.log = log;
    this.clock = clock;
    this.tokenLifetime = tokenLifetime;
    this.secrets = hazelcast.getMap(PRIVATE_MAP);
    this.published = hazelcast.getMap(StateMaps.SIGNING_KEYS);
  }

  /** Makes sure a current key exists (creating and announcing the first one if none does). */
  public Future<Void> ensure() {
    return vertx
        .executeBlocking(
            () -> {
              if (secrets.get(CURRENT) != null) {
                return null;
              }
              ECKey fresh = generate();
              String holder = secrets.putIfAbsent(CURRENT, fresh.toJSONString());
              return holder == null ? fresh : null;
            })
        .compose(
            created ->
                created == null ? Future.succeededFuture() : announce(created, null, SYSTEM));
  }

  /** Replaces the current key with a new one; the old one verifies until its tokens expire. */
  public Future<String> rotate(Actor actor) {
    return vertx
        .executeBlocking(
            () -> {
              String old = secrets.get(CURRENT);
              ECKey fresh = generate();
              if (old == null || !secrets.replace(CURRENT, old, fresh.toJSONString())) {
                throw ApiException.of(
                    ErrorCode.CONFLICT, "The signing key changed concurrently; try again.");
              }
              secrets.set(PREVIOUS, old);
              return new ECKey[] {fresh, parse(old)};
            })
        .compose(pair -> announce(pair[0], pair[1], actor).map(v -> pair[0].getKeyID()));
  }

  /** The current signing key (cached while it stays current). */
  public SigningKey current() {
    String json = secrets.get(CURRENT);
    if (json == null) {
      throw ApiException.of(ErrorCode.UNAVAILABLE, "No signing key yet; retry shortly.");
    }
    SigningKey c = cached;
    ECKey key = parse(json);
    if (c == null || !c.kid().equals(key.getKeyID())) {
      c = new SigningKey(key);
      cached = c;
    }
    return c;
  }

  /** The public keys that verify identity's tokens now. */
  public JWKSet jwks() {
    List<JWK> keys = new ArrayList<>();
    Instant now = clock.instant();
    for (byte[] raw : published.values()) {
      SigningKeyRecord r;
      try {
        r = SigningKeyRecord.parseFrom(raw);
      } catch (InvalidProtocolBufferException e) {
        throw ApiException.of(ErrorCode.INTERNAL, "A stored signing key is unreadable.", e);
      }
      if (r.hasValidUntil()
          && !now.isBefore(
              Instant.ofEpochSecond(
                  r.getValidUntil().getSeconds(), r.getValidUntil().getNanos()))) {
        continue;
      }
      try {
        keys.add(JWK.parse(r.getPublicJwkJson()));
      } catch (ParseException e) {
        throw ApiException.of(ErrorCode.INTERNAL, "A stored signing key is unreadable.", e);
      }
    }
    return new JWKSet(keys);
  }

  private Future<Void> announce(ECKey fresh, ECKey previous, Actor actor) {
    var payload =
        SigningKeyRotated.newBuilder()
            .setKid(fresh.getKeyID())
            .setPublicJwkJson(fresh.toPublicJWK().toJSONString())
            .setAlgorithm(ALGORITHM.getName());
    if (previous != null) {
      Instant until = clock.instant().plus(tokenLifetime);
      payload
          .setPreviousKid(previous.getKeyID())
          .setPreviousValidUntil(
              Timestamp.newBuilder().setSeconds(until.getEpochSecond()).setNanos(until.getNano()));
    }
    var event =
        events
            .draft("-", fresh.getKeyID(), actor, payload.build())
            .subject("signing key " + fresh.getKeyID())
            .build();
    return log.appendAndApply(List.of(event));
  }

  private static ECKey generate() {
    try {
      return new ECKeyGenerator(Curve.P_256)
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(ALGORITHM)
          .keyID("k" + ApiTokenText.newTokenId())
          .generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("EC P-256 key generation failed", e);
    }
  }

  private static ECKey parse(String json) {
    try {
      return ECKey.parse(json);
    } catch (ParseException e) {
      throw ApiException.of(ErrorCode.INTERNAL, "The stored signing key is unreadable.");
    }
  }
}
