package dev.trellis.identity.console;

import dev.trellis.identity.login.LoginEvents;
import dev.trellis.identity.login.LoginRoutes;
import dev.trellis.identity.login.PasswordLogin;
import dev.trellis.identity.tailnet.TailnetDirectory;
import dev.trellis.identity.user.UserDirectory;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.state.v1.UserRecord;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.BrowserSession;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.JsonBodies;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The browser's session. {@code POST /api/v1/session} signs in with a password like {@code POST
 * /api/v1/login} but keeps the session in the HttpOnly {@code trellis_session} cookie (SameSite
 * Strict, Secure over TLS) instead of handing the token to script, and answers who signed in and
 * the session's CSRF secret. {@code GET /api/v1/session} answers the same for the current cookie
 * (after a single sign-on too), so a page that reloads learns its CSRF secret again; a cross-site
 * page cannot read it. Asked with a bearer credential instead, it answers who owns it ({@code
 * apiToken: true} for an API token, no CSRF secret): how the console's first sign-in learns the
 * first administrator's email from the token in the state directory. Sign-out is {@code POST
 * /api/v1/logout}.
 *
 * <p>Thread-safety: handlers run on the event loop; lookups run on workers.
 */
public final class SessionRoutes {
  private final Vertx vertx;
  private final ApiTokenAuthenticator authenticator;
  private final PasswordLogin login;
  private final UserDirectory users;
  private final TailnetDirectory tailnets;
  private final Duration lifetime;

  public SessionRoutes(
      Vertx vertx,
      ApiTokenAuthenticator authenticator,
      PasswordLogin login,
      UserDirectory users,
      TailnetDirectory tailnets,
      Duration lifetime) {
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.login = login;
    this.users = users;
    this.tailnets = tailnets;
    this.lifetime = lifetime;
  }

  /** Adds the routes to {@code router}. */
  public void mount(Router router) {
    router.post("/api/v1/session").handler(this::signIn);
    router.get("/api/v1/session").handler(this::current);
  }

  private void signIn(RoutingContext ctx) {
    LoginRoutes.LoginRequest req;
    try {
      req = LoginRoutes.readLogin(ctx);
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    login
        .login(
            req.tailnet().strip(),
            req.email().strip().toLowerCase(Locale.ROOT),
            req.password().toCharArray(),
            LoginEvents.Source.of(ctx))
        .compose(
            s -> vertx.executeBlocking(() -> describe(s.user(), s.session().token(), "pwd"), false))
        .onSuccess(
            body -> {
              String token = (String) body.remove("token");
              ctx.response()
                  .putHeader("Cache-Control", "no-store")
                  .putHeader(
                      "Set-Cookie",
                      BrowserSession.cookie(ctx.request(), token, lifetime.toSeconds()));
              JsonBodies.reply(ctx, 200, body);
            })
        .onFailure(ctx::fail);
  }

  private void current(RoutingContext ctx) {
    String token =
        ctx.request().getCookie(BrowserSession.COOKIE) == null
            ? null
            : ctx.request().getCookie(BrowserSession.COOKIE).getValue();
    authenticator
        .authenticate(ctx)
        .compose(
            p ->
                vertx.executeBlocking(
                    () -> {
                      if (p.ownerUserId() == null || p.ownerUserId().isEmpty()) {
                        throw ApiException.of(
                            ErrorCode.BAD_REQUEST, "This credential belongs to no user.");
                      }
                      UserRecord u =
                          users
                              .byId(p.ownerUserId())
                              .orElseThrow(() -> ApiException.of(ErrorCode.TOKEN_REVOKED));
                      boolean cookie = ctx.request().getHeader("Authorization") == null;
                      Map<String, Object> body = describe(u, cookie ? token : null, null);
                      body.remove("token");
                      if (!p.isSession()) {
                        // What the token may do: its owner's role, capped by the token's own.
                        body.put("role", dev.trellis.identity.user.Roles.name(p.role()));
                        body.put("apiToken", true);
                      }
                      return body;
                    },
                    false))
        .onSuccess(
            body -> {
              ctx.response().putHeader("Cache-Control", "no-store");
              JsonBodies.reply(ctx, 200, body);
            })
        .onFailure(ctx::fail);
  }

  /** Who is signed in, the CSRF secret of {@code token} (none without one), and the token. */
  private Map<String, Object> describe(UserRecord u, String token, String method) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("userId", u.getUserId());
    body.put("email", u.getEmail());
    body.put("displayName", u.getDisplayName());
    body.put("role", dev.trellis.identity.user.Roles.name(u.getRole()));
    body.put("tailnetId", u.getTailnetId());
    body.put(
        "tailnet", tailnets.byId(u.getTailnetId()).map(t -> t.getName()).orElse(u.getTailnetId()));
    body.put("csrf", token == null ? "" : BrowserSession.csrfOf(token));
    if (method != null) {
      body.put("method", method);
    }
    body.put("token", token);
    return body;
  }
}
