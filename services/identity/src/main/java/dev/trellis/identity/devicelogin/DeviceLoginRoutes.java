package dev.trellis.identity.devicelogin;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.trellis.identity.journal.IdentityLog;
import dev.trellis.identity.signing.SessionTokens;
import dev.trellis.identity.signing.SigningKeys;
import dev.trellis.identity.user.UserDirectory;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.DeviceLoginCompleted;
import dev.trellis.proto.state.v1.UserRecord;
import dev.trellis.runtime.auth.JwtVerifier;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.BearerToken;
import dev.trellis.runtime.http.JsonBodies;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The user's side of an interactive device registration. The agent shows {@code
 * <server>/login/device/<code>}; {@code GET} of that URL answers a small page that signs the user
 * in (built-in login, or an SSO session cookie from {@code /login/oidc/start}) and then {@code POST
 * /api/v1/device-logins/<code>} with the session, which appends {@code DeviceLoginCompleted} for
 * the signed-in user and their tailnet. The coordinator holding the device's registration completes
 * it. The code alone grants nothing: only a valid session of an existing user completes it, and the
 * device lands in that user's tailnet.
 *
 * <p>Thread-safety: handlers run on the event loop; verification and Hazelcast run on workers.
 */
public final class DeviceLoginRoutes {
  private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_-]{16,64}");

  private final Vertx vertx;
  private final SigningKeys keys;
  private final UserDirectory users;
  private final Events events;
  private final IdentityLog log;
  private final Clock clock;

  public DeviceLoginRoutes(
      Vertx vertx,
      SigningKeys keys,
      UserDirectory users,
      Events events,
      IdentityLog log,
      Clock clock) {
    this.vertx = vertx;
    this.keys = keys;
    this.users = users;
    this.events = events;
    this.log = log;
    this.clock = clock;
  }

  /** Adds the routes to {@code router}. */
  public void mount(Router router) {
    router.get("/login/device/:code").handler(this::page);
    router.post("/api/v1/device-logins/:code").handler(this::complete);
  }

  private void page(RoutingContext ctx) {
    String code = ctx.pathParam("code");
    if (!CODE.matcher(code).matches()) {
      ctx.fail(ApiException.of(ErrorCode.NOT_FOUND, "This login link is not valid."));
      return;
    }
    ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'")
        .end(DeviceLoginPage.html(code));
  }

  private void complete(RoutingContext ctx) {
    String code = ctx.pathParam("code");
    if (!CODE.matcher(code).matches()) {
      ctx.fail(ApiException.field(ErrorCode.BAD_REQUEST, "code", "Not a device login code."));
      return;
    }
    String session = sessionToken(ctx);
    if (session == null) {
      ctx.fail(ApiException.of(ErrorCode.UNAUTHENTICATED, "Sign in first."));
      return;
    }
    vertx
        .executeBlocking(
            () -> {
              JWTClaimsSet claims =
                  JwtVerifier.builder()
                      .jwks(keys.jwks())
                      .issuer(SessionTokens.ISSUER)
                      .audience(SessionTokens.AUDIENCE)
                      .clock(clock)
                      .build()
                      .verify(session)
                      .claimsOrThrow();
              UserRecord user =
                  users
                      .byId(claims.getSubject())
                      .orElseThrow(
                          () -> ApiException.of(ErrorCode.UNAUTHENTICATED, "Sign in again."));
              Actor actor =
                  Actor.newBuilder()
                      .setKind(Actor.Kind.USER)
                      .setId(user.getUserId())
                      .setDisplay(user.getEmail())
                      .build();
              return events
                  .draft(
                      user.getTailnetId(),
                      code,
                      actor,
                      DeviceLoginCompleted.newBuilder()
                          .setCode(code)
                          .setUserId(user.getUserId())
                          .setLoginName(user.getEmail())
                          .build())
                  .subject("device login approved by " + user.getEmail())
                  .build();
            },
            false)
        .compose(e -> log.append(List.of(e)))
        .onSuccess(v -> JsonBodies.reply(ctx, 200, Map.of("status", "approved")))
        .onFailure(ctx::fail);
  }

  /** The session from the bearer header, or from the SSO cookie. */
  private static String sessionToken(RoutingContext ctx) {
    if (ctx.request().getHeader("Authorization") != null) {
      return BearerToken.require(ctx).value();
    }
    Cookie cookie = ctx.request().getCookie("trellis_session");
    return cookie == null ? null : cookie.getValue();
  }
}
