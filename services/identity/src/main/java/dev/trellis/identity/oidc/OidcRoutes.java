package dev.trellis.identity.oidc;

import dev.trellis.identity.login.LoginEvents;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.access.BrowserSession;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.JsonBodies;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The browser side of single sign-on: {@code GET /login/oidc/start?tailnet=T} redirects (302) to
 * the tailnet's provider, {@code GET /login/oidc/callback?code=..&state=..} finishes the login and
 * answers the session (JSON, and an HttpOnly cookie {@code trellis_session}). The redirect URI is
 * this server's own {@code /login/oidc/callback} as the browser reached it. A start with {@code
 * next=/login/device/CODE} (only such a path) sends the browser back to that device login page
 * after the callback instead (remembered in a short-lived {@code trellis_next} cookie), where the
 * user then confirms adding the device; without {@code next}, a browser (one that asks for HTML)
 * goes back to the console at {@code /}, signed in by the cookie. {@code GET
 * /login/methods?tailnet=T} tells the login page which sign-in methods the tailnet offers ({@code
 * password}, {@code sso}, and the single sign-on's {@code provider}).
 *
 * <p>Thread-safety: handlers run on the event loop; the flow runs on workers.
 */
public final class OidcRoutes {
  /** The path of the callback. */
  public static final String CALLBACK = "/login/oidc/callback";

  private final OidcLogin login;

  public OidcRoutes(OidcLogin login) {
    this.login = login;
  }

  /** Adds the routes to {@code router}. */
  public void mount(Router router) {
    router.get("/login/oidc/start").handler(this::start);
    router.get(CALLBACK).handler(this::callback);
    router.get("/login/methods").handler(this::methods);
  }

  /** Where a login may return to: a device login page of this server, nothing else. */
  private static final java.util.regex.Pattern NEXT =
      java.util.regex.Pattern.compile("/login/device/[A-Za-z0-9_-]{16,64}");

  private static final String NEXT_COOKIE = "trellis_next";

  private void methods(RoutingContext ctx) {
    String tailnet = ctx.queryParams().get("tailnet");
    if (tailnet == null || tailnet.isBlank()) {
      ctx.fail(ApiException.field(ErrorCode.BAD_REQUEST, "tailnet", "Required."));
      return;
    }
    login
        .methods(tailnet.strip())
        .onSuccess(
            m -> {
              ctx.response().putHeader("Cache-Control", "no-store");
              JsonBodies.reply(ctx, 200, m);
            })
        .onFailure(ctx::fail);
  }

  /** The {@code trellis_next} cookie's path if it is a device login page, else null. */
  private static String next(RoutingContext ctx) {
    var cookie = ctx.request().getCookie(NEXT_COOKIE);
    String v = cookie == null ? null : cookie.getValue();
    return v != null && NEXT.matcher(v).matches() ? v : null;
  }

  private void start(RoutingContext ctx) {
    String tailnet = ctx.queryParams().get("tailnet");
    if (tailnet == null || tailnet.isBlank()) {
      ctx.fail(ApiException.field(ErrorCode.BAD_REQUEST, "tailnet", "Required."));
      return;
    }
    String next = ctx.queryParams().get("next");
    if (next != null && !NEXT.matcher(next).matches()) {
      ctx.fail(ApiException.field(ErrorCode.BAD_REQUEST, "next", "Not a device login page."));
      return;
    }
    login
        .start(tailnet, redirectUri(ctx))
        .onSuccess(
            uri -> {
              if (next != null) {
                // back to the device login page after the callback, so its SSO button works
                ctx.response()
                    .putHeader(
                        "Set-Cookie",
                        NEXT_COOKIE
                            + "="
                            + next
                            + "; Path=/login/oidc; Max-Age=600; HttpOnly; SameSite=Lax"
                            + ("https".equals(ctx.request().scheme()) ? "; Secure" : ""));
              }
              ctx.response()
                  .setStatusCode(302)
                  .putHeader("Location", uri.toString())
                  .putHeader("Cache-Control", "no-store")
                  .end();
            })
        .onFailure(ctx::fail);
  }

  private void callback(RoutingContext ctx) {
    String error = ctx.queryParams().get("error");
    if (error != null) {
      // The provider refused; the pending login is consumed so the state cannot be reused.
      login
          .finish(null, ctx.queryParams().get("state"), LoginEvents.Source.of(ctx))
          .onComplete(
              r ->
                  ctx.fail(
                      ApiException.of(
                          ErrorCode.OIDC_TOKEN_INVALID, "The identity provider refused sign-on.")));
      return;
    }
    login
        .finish(
            ctx.queryParams().get("code"),
            ctx.queryParams().get("state"),
            LoginEvents.Source.of(ctx))
        .onSuccess(
            s -> {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("token", s.session().token());
              body.put("sessionId", s.session().sessionId());
              body.put("expiresAt", s.session().expiresAt().toString());
              body.put("userId", s.user().getUserId());
              body.put("email", s.user().getEmail());
              body.put("tailnetId", s.user().getTailnetId());
              body.put("created", s.created());
              ctx.response()
                  .putHeader("Cache-Control", "no-store")
                  .putHeader(
                      "Set-Cookie",
                      BrowserSession.cookieAfterRedirect(
                          ctx.request(),
                          s.session().token(),
                          Math.max(
                              0,
                              java.time.Duration.between(
                                      java.time.Instant.now(), s.session().expiresAt())
                                  .toSeconds())));
              String back = next(ctx);
              if (back != null) {
                ctx.response()
                    .headers()
                    .add("Set-Cookie", NEXT_COOKIE + "=; Path=/login/oidc; Max-Age=0");
                ctx.response().setStatusCode(302).putHeader("Location", back + "?sso=1").end();
                return;
              }
              if (wantsPage(ctx)) {
                // A browser that started from the console goes back to it, signed in by cookie.
                ctx.response().setStatusCode(302).putHeader("Location", "/").end();
                return;
              }
              JsonBodies.reply(ctx, 200, body);
            })
        .onFailure(ctx::fail);
  }

  /** Whether the caller is a browser navigating (it asks for HTML), not a program (JSON). */
  static boolean wantsPage(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    return accept != null && accept.contains("text/html");
  }

  private static String redirectUri(RoutingContext ctx) {
    HostAndPort authority = ctx.request().authority();
    String host =
        authority != null
            ? authority.host() + (authority.port() > 0 ? ":" + authority.port() : "")
            : ctx.request().localAddress().hostAddress()
                + ":"
                + ctx.request().localAddress().port();
    return ctx.request().scheme() + "://" + host + CALLBACK;
  }
}
