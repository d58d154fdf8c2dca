package dev.trellis.runtime.access;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.ApiTokenRecord;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.BearerToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;

/**
 * Checks bearer credentials: service credentials (HS256, see {@link ServiceCredentials}), signed-in
 * users' web sessions (ES256, see {@link SessionAuthenticator}) and API tokens against identity's
 * {@link StateMaps#API_TOKENS} projection: the token must have the token form, name a known token,
 * match its SHA-256 digest (compared in constant time), be unrevoked and unexpired. Every failure
 * is a 401 with a specific code; nothing about the token is logged.
 *
 * <p>Thread-safety: thread-safe; lookups are asynchronous and never block an event loop.
 */
public final class ApiTokenAuthenticator {
  private final Vertx vertx;
  private final IMap<String, byte[]> tokens;
  private final Clock clock;
  private final ServiceCredentials services;
  private final SessionAuthenticator sessions;

  /** Accepts API tokens only. */
  public ApiTokenAuthenticator(Vertx vertx, HazelcastInstance hazelcast, Clock clock) {
    this(vertx, hazelcast, clock, null);
  }

  /** Accepts API tokens and, when {@code services} is not null, service credentials. */
  public ApiTokenAuthenticator(
      Vertx vertx, HazelcastInstance hazelcast, Clock clock, ServiceCredentials services) {
    this.vertx = vertx;
    this.tokens = hazelcast.getMap(StateMaps.API_TOKENS);
    this.clock = clock;
    this.services = services;
    this.sessions = new SessionAuthenticator(hazelcast, clock);
  }

  /** Authenticates the request's bearer token. */
  public Future<Principal> authenticate(RoutingContext ctx) {
    BearerToken token;
    try {
      token = BearerToken.require(ctx);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return authenticate(token.value());
  }

  /**
   * The shape of every authorized endpoint: authenticates the request, runs {@code action} for the
   * caller, and replies with {@code status} and the result as JSON, or fails the request with the
   * error (which the router renders from the error registry).
   */
  public <T> void respond(
      RoutingContext ctx, int status, java.util.function.Function<Principal, Future<T>> action) {
    authenticate(ctx)
        .compose(action::apply)
        .onSuccess(result -> dev.trellis.runtime.http.JsonBodies.reply(ctx, status, result))
        .onFailure(ctx::fail);
  }

  /** Authenticates a token text. */
  public Future<Principal> authenticate(String text) {
    if (ServiceCredentials.looksLikeJwt(text)) {
      if (services != null && isHs256(text)) {
        try {
          return Future.succeededFuture(Principal.service(services.verify(text)));
        } catch (ApiException e) {
          return Future.failedFuture(e);
        }
      }
      return vertx.executeBlocking(() -> sessions.authenticate(text), false);
    }
    var id = ApiTokenText.tokenId(text);
    if (id.isEmpty()) {
      return Future.failedFuture(
          ApiException.of(ErrorCode.TOKEN_INVALID, "The API token is not a Trellis API token."));
    }
    String digest = ApiTokenText.sha256(text);
    return Future.fromCompletionStage(tokens.getAsync(id.get()), vertx.getOrCreateContext())
        .map(raw -> check(raw, digest));
  }

  private static boolean isHs256(String jwt) {
    try {
      return com.nimbusds.jose.JWSAlgorithm.HS256.equals(
          com.nimbusds.jose.JWSHeader.parse(
                  new com.nimbusds.jose.util.Base64URL(jwt.substring(0, jwt.indexOf('.'))))
              .getAlgorithm());
    } catch (java.text.ParseException e) {
      return false;
    }
  }

  private Principal check(byte[] raw, String digest) {
    if (raw == null) {
      throw ApiException.of(ErrorCode.TOKEN_INVALID, "The API token is not valid.");
    }
    ApiTokenRecord record;
    try {
      record = ApiTokenRecord.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.of(ErrorCode.INTERNAL, "A stored token record is unreadable.", e);
    }
    if (!ApiTokenText.sameDigest(record.getTokenSha256(), digest)) {
      throw ApiException.of(ErrorCode.TOKEN_INVALID, "The API token is not valid.");
    }
    if (record.getRevoked()) {
      throw ApiException.of(ErrorCode.TOKEN_REVOKED);
    }
    if (record.hasExpiresAt()) {
      Instant expires =
          Instant.ofEpochSecond(
              record.getExpiresAt().getSeconds(), record.getExpiresAt().getNanos());
      if (!clock.instant().isBefore(expires)) {
        throw ApiException.of(ErrorCode.TOKEN_EXPIRED);
      }
    }
    return new Principal(
        record.getTokenId(),
        record.getTailnetId(),
        record.getRole(),
        record.getOwnerUserId(),
        record.getDeploymentAdmin());
  }
}
