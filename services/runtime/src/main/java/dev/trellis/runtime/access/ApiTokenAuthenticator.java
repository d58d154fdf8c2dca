package dev.trellis.runtime.access;

import com.google.protobuf.InvalidProtocolBufferException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.ApiTokenRecord;
import dev.trellis.proto.state.v1.UserRecord;
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
 * match its SHA-256 digest (compared in constant time), be unrevoked and unexpired, and its owner
 * must still exist ({@link StateMaps#USERS}): a token dies with its owner. A token acts with its
 * owner's <em>current</em> role, never above the role it was created with, so demoting a user
 * demotes their tokens at once; the deployment-administrator right holds only while the owner is
 * still an owner. Every failure is a 401 with a specific code; nothing about the token is logged.
 *
 * <p>A request without an Authorization header may instead carry a web session in the browser's
 * cookie, checked for CSRF by {@link BrowserSession}; the cookie never holds an API token.
 *
 * <p>{@link #authenticate(RoutingContext)} remembers the principal in the request ({@link
 * #principalOf}), so that a later refusal can be recorded with who was refused.
 *
 * <p>Thread-safety: thread-safe; lookups are asynchronous and never block an event loop.
 */
public final class ApiTokenAuthenticator {
  private final Vertx vertx;

  /** The request attribute holding the authenticated {@link Principal}. */
  public static final String PRINCIPAL = "trellis.principal";

  private final IMap<String, byte[]> tokens;
  private final IMap<String, byte[]> users;
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
    this.users = hazelcast.getMap(StateMaps.USERS);
    this.clock = clock;
    this.services = services;
    this.sessions = new SessionAuthenticator(hazelcast, clock);
  }

  /** Authenticates the request's bearer token. */
  public Future<Principal> authenticate(RoutingContext ctx) {
    java.util.Optional<String> cookie;
    BearerToken token;
    try {
      cookie = BrowserSession.token(ctx);
      if (cookie.isPresent()) {
        return authenticateSession(cookie.get()).onSuccess(p -> ctx.put(PRINCIPAL, p));
      }
      token = BearerToken.require(ctx);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return authenticate(token.value()).onSuccess(p -> ctx.put(PRINCIPAL, p));
  }

  /**
   * Authenticates a web session token only (never an API token or a service credential): what a
   * session cookie may hold.
   */
  public Future<Principal> authenticateSession(String text) {
    if (!ServiceCredentials.looksLikeJwt(text) || isHs256(text)) {
      return Future.failedFuture(
          ApiException.of(ErrorCode.TOKEN_INVALID, "The session cookie holds no session."));
    }
    return vertx.executeBlocking(() -> sessions.authenticate(text), false);
  }

  /** The principal {@link #authenticate(RoutingContext)} found for {@code ctx}, or null. */
  public static Principal principalOf(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
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
    var context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(tokens.getAsync(id.get()), context)
        .map(raw -> check(raw, digest))
        .compose(
            record ->
                Future.fromCompletionStage(users.getAsync(record.getOwnerUserId()), context)
                    .map(owner -> principal(record, owner)));
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

  private ApiTokenRecord check(byte[] raw, String digest) {
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
    if (record.getOwnerUserId().isEmpty()) {
      throw ApiException.of(ErrorCode.TOKEN_REVOKED, "The API token has no owner.");
    }
    return record;
  }

  /** The principal of a valid token: its owner's current role, capped by the token's. */
  private static Principal principal(ApiTokenRecord record, byte[] ownerRaw) {
    if (ownerRaw == null) {
      throw ApiException.of(ErrorCode.TOKEN_REVOKED, "The API token's owner no longer exists.");
    }
    UserRecord owner;
    try {
      owner = UserRecord.parseFrom(ownerRaw);
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.of(ErrorCode.INTERNAL, "A stored user record is unreadable.", e);
    }
    UserRole role = RoleRank.lower(record.getRole(), owner.getRole());
    return new Principal(
        record.getTokenId(),
        record.getTailnetId(),
        role,
        record.getOwnerUserId(),
        record.getDeploymentAdmin() && owner.getRole() == UserRole.OWNER);
  }
}
