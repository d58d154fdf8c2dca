package dev.trellis.identity.login;

import dev.trellis.identity.journal.IdentityLog;
import dev.trellis.identity.user.UserDirectory;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.PasswordSet;
import dev.trellis.proto.event.v1.SessionSignedOut;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.BrowserSession;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.JsonBodies;
import dev.trellis.runtime.http.MaxLength;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/login} (email + password to a session JWT), {@code POST /api/v1/logout} (ends
 * the caller's session everywhere: {@code SessionSignedOut}; the bearer session or the SSO cookie,
 * which is cleared) and {@code POST /api/v1/users/:id/password} (a user sets their own, {@code :id}
 * being their id or {@code me}; an owner or admin sets anyone's in their tailnet; only {@code
 * PasswordSet} reaches the log, never the password or its hash, and every session of the user
 * issued before it ends).
 *
 * <p>Thread-safety: handlers run on the event loop; hashing and Hazelcast run on workers.
 */
public final class LoginRoutes {
  /** The path id that means the caller's own user: {@code POST /api/v1/users/me/password}. */
  public static final String ME = "me";

  /** Shortest accepted password. */
  public static final int MIN_PASSWORD = 12;

  private static final int MAX_PASSWORD = 1024;

  private final Vertx vertx;
  private final ApiTokenAuthenticator authenticator;
  private final PasswordLogin login;
  private final UserDirectory users;
  private final PasswordStore passwords;
  private final Events events;
  private final IdentityLog log;
  private final java.time.Duration sessionLifetime;

  /** Body of {@code POST /api/v1/login}. Its {@code toString} hides the password. */
  public record LoginRequest(
      String tailnet, String email, @MaxLength(MAX_PASSWORD) String password) {
    @Override
    public String toString() {
      return "LoginRequest[tailnet=" + tailnet + ", email=" + email + ", password=redacted]";
    }
  }

  /** Body of {@code POST /api/v1/users/:id/password}. */
  public record PasswordRequest(@MaxLength(MAX_PASSWORD) String password) {
    @Override
    public String toString() {
      return "PasswordRequest[redacted]";
    }
  }

  public LoginRoutes(
      Vertx vertx,
      ApiTokenAuthenticator authenticator,
      PasswordLogin login,
      UserDirectory users,
      PasswordStore passwords,
      Events events,
      IdentityLog log,
      java.time.Duration sessionLifetime) {
    this.sessionLifetime = sessionLifetime;
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.login = login;
    this.users = users;
    this.passwords = passwords;
    this.events = events;
    this.log = log;
  }

  /** Adds the routes to {@code router}. */
  public void mount(Router router) {
    router.post("/api/v1/login").handler(this::login);
    router.post("/api/v1/logout").handler(this::logout);
    router.post("/api/v1/users/:id/password").handler(this::setPassword);
  }

  /**
   * The password sign-in body of {@code ctx} (this endpoint's and the console's {@code POST
   * /api/v1/session}), every field present and the password within its limit.
   *
   * @throws ApiException 400 naming the field otherwise
   */
  public static LoginRequest readLogin(RoutingContext ctx) {
    LoginRequest req = JsonBodies.read(ctx, LoginRequest.class);
    require(req.tailnet(), "tailnet");
    require(req.email(), "email");
    require(req.password(), "password");
    if (req.password().length() > MAX_PASSWORD) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, "password", "Too long.");
    }
    return req;
  }

  private void login(RoutingContext ctx) {
    LoginRequest req;
    try {
      req = readLogin(ctx);
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    login
        .login(
            req.tailnet().strip(),
            req.email().strip().toLowerCase(java.util.Locale.ROOT),
            req.password().toCharArray(),
            LoginEvents.Source.of(ctx))
        .onSuccess(
            s -> {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("token", s.session().token());
              body.put("sessionId", s.session().sessionId());
              body.put("expiresAt", s.session().expiresAt().toString());
              body.put("userId", s.user().getUserId());
              body.put("tailnetId", s.user().getTailnetId());
              ctx.response().putHeader("Cache-Control", "no-store");
              JsonBodies.reply(ctx, 200, body);
            })
        .onFailure(ctx::fail);
  }

  private void logout(RoutingContext ctx) {
    // A browser's sign-out comes by cookie, checked like every cookie request (CSRF included).
    boolean byCookie =
        ctx.request().getHeader("Authorization") == null
            && ctx.request().getCookie(BrowserSession.COOKIE) != null;
    authenticator
        .authenticate(ctx)
        .compose(
            p -> {
              if (!p.isSession()) {
                throw ApiException.of(
                    ErrorCode.BAD_REQUEST,
                    "Sign-out ends a session; revoke an API token with POST"
                        + " /api/v1/tokens/{id}/revoke.");
              }
              return vertx
                  .executeBlocking(
                      () -> {
                        var u =
                            users
                                .byId(p.ownerUserId())
                                .orElseThrow(() -> ApiException.of(ErrorCode.TOKEN_REVOKED));
                        java.time.Instant expires = events.now().plus(sessionLifetime);
                        return events
                            .draft(
                                u.getTailnetId(),
                                u.getUserId(),
                                p.actor(),
                                SessionSignedOut.newBuilder()
                                    .setUserId(u.getUserId())
                                    .setSessionId(p.sessionId())
                                    .setExpiresAt(
                                        com.google.protobuf.Timestamp.newBuilder()
                                            .setSeconds(expires.getEpochSecond())
                                            .setNanos(expires.getNano()))
                                    .build())
                            .subject("sign-out of " + u.getEmail())
                            .build();
                      },
                      false)
                  .compose(e -> log.appendAndApply(List.of(e)));
            })
        .onSuccess(
            v -> {
              if (byCookie) {
                ctx.response().putHeader("Set-Cookie", BrowserSession.clearedCookie(ctx.request()));
              }
              ctx.response().putHeader("Cache-Control", "no-store").setStatusCode(204).end();
            })
        .onFailure(ctx::fail);
  }

  private void setPassword(RoutingContext ctx) {
    authenticator
        .authenticate(ctx)
        .compose(
            p -> {
              String password = JsonBodies.read(ctx, PasswordRequest.class).password();
              require(password, "password");
              if (password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
                throw ApiException.field(
                    ErrorCode.PASSWORD_TOO_WEAK,
                    "password",
                    "A password has " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters.");
              }
              boolean self =
                  ctx.pathParam("id").equals(ME) || ctx.pathParam("id").equals(p.ownerUserId());
              String userId = self ? p.ownerUserId() : ctx.pathParam("id");
              if (userId == null || userId.isEmpty()) {
                throw ApiException.of(ErrorCode.USER_NOT_FOUND);
              }
              return vertx
                  .executeBlocking(
                      () -> {
                        var u = users.visible(p, userId);
                        if (!self) {
                          p.requireAdminister(u.getTailnetId());
                        }
                        boolean initial =
                            passwords.set(userId, PasswordHash.hash(password.toCharArray()));
                        return events
                            .draft(
                                u.getTailnetId(),
                                userId,
                                p.actor(),
                                PasswordSet.newBuilder()
                                    .setUserId(userId)
                                    .setInitial(initial)
                                    .setSetByAdmin(!self)
                                    .build())
                            .subject("password set for " + u.getEmail())
                            .build();
                      },
                      false)
                  .compose(e -> log.appendAndApply(List.of(e)));
            })
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, field, "Required.");
    }
  }
}
