package dev.trellis.identity;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local stand-in for GitHub's OAuth and REST endpoints, with GitHub's documented request and
 * answer shapes: {@code GET /login/oauth/authorize} redirects back with {@code code} and {@code
 * state}; {@code POST /login/oauth/access_token} (form, {@code Accept: application/json}) checks
 * client id, secret, redirect URI and the PKCE verifier and answers {@code access_token} (or {@code
 * {"error": "bad_verification_code"}} with 200, as GitHub does); {@code GET /user}, {@code
 * /user/emails}, {@code /user/memberships/orgs} and {@code /user/teams} need {@code Authorization:
 * Bearer} with that token. The user signing in is set by {@link #nextUser}.
 */
final class GitHubStandIn implements AutoCloseable {
  /** A GitHub user as the stand-in serves it. */
  record User(
      long id, String login, String name, JsonArray emails, JsonArray orgs, JsonArray teams) {}

  private record Grant(String clientId, String redirectUri, String challenge, User user) {}

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final String clientId;
  private final String clientSecret;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final Map<String, User> tokens = new ConcurrentHashMap<>();
  private volatile User next;

  /** When set, {@code /user/emails} answers 200 with something that is not JSON. */
  volatile boolean garbledEmails;

  GitHubStandIn(String clientId, String clientSecret) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create());
    r.get("/login/oauth/authorize").handler(this::authorize);
    r.post("/login/oauth/access_token").handler(this::token);
    r.get("/user")
        .handler(
            c ->
                api(
                    c,
                    u ->
                        new JsonObject()
                            .put("login", u.login())
                            .put("id", u.id())
                            .put("node_id", "MDQ6VXNlcj" + u.id())
                            .put("type", "User")
                            .put("name", u.name())
                            .put("email", null)
                            .encode()));
    r.get("/user/emails")
        .handler(
            c ->
                api(
                    c,
                    u ->
                        garbledEmails
                            ? "<html>\u001b[31m rate limited </html>"
                            : u.emails().encode()));
    r.get("/user/memberships/orgs").handler(c -> api(c, u -> u.orgs().encode()));
    r.get("/user/teams").handler(c -> api(c, u -> u.teams().encode()));
    server = vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1").await();
  }

  /** The stand-in's base URL, e.g. {@code http://127.0.0.1:34567}. */
  String base() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  void nextUser(User u) {
    next = u;
  }

  static User user(long id, String login, String email, boolean verified, String... orgs) {
    JsonArray emails =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("email", login + "@users.noreply.github.com")
                    .put("primary", false)
                    .put("verified", true)
                    .put("visibility", null))
            .add(
                new JsonObject()
                    .put("email", email)
                    .put("primary", true)
                    .put("verified", verified)
                    .put("visibility", "private"));
    JsonArray memberships = new JsonArray();
    for (String o : orgs) {
      memberships.add(
          new JsonObject()
              .put("state", "active")
              .put("role", "member")
              .put("url", "https://api.github.com/user/memberships/orgs/" + o)
              .put("organization", new JsonObject().put("login", o).put("id", o.hashCode())));
    }
    return new User(id, login, "Test " + login, emails, memberships, new JsonArray());
  }

  static User withTeam(User u, String org, String slug) {
    JsonArray teams =
        u.teams()
            .copy()
            .add(
                new JsonObject()
                    .put("id", slug.hashCode())
                    .put("slug", slug)
                    .put("name", slug)
                    .put("organization", new JsonObject().put("login", org)));
    return new User(u.id(), u.login(), u.name(), u.emails(), u.orgs(), teams);
  }

  private void authorize(RoutingContext c) {
    var q = c.queryParams();
    if (!clientId.equals(q.get("client_id"))
        || !"S256".equals(q.get("code_challenge_method"))
        || q.get("state") == null
        || next == null) {
      c.response().setStatusCode(400).end("bad authorize request");
      return;
    }
    String code = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    codes.put(code, new Grant(clientId, q.get("redirect_uri"), q.get("code_challenge"), next));
    String sep = q.get("redirect_uri").contains("?") ? "&" : "?";
    c.response()
        .setStatusCode(302)
        .putHeader(
            "Location",
            q.get("redirect_uri")
                + sep
                + "code="
                + code
                + "&state="
                + URLEncoder.encode(q.get("state"), StandardCharsets.UTF_8))
        .end();
  }

  private void token(RoutingContext c) {
    var f = c.request().formAttributes();
    Grant g = codes.remove(f.get("code") == null ? "" : f.get("code"));
    c.response().putHeader("Content-Type", "application/json");
    if (!"application/json".equals(c.request().getHeader("Accept"))) {
      c.response().end("access_token=form-encoded-unless-asked-for-json");
      return;
    }
    if (g == null
        || !g.clientId().equals(f.get("client_id"))
        || !clientSecret.equals(f.get("client_secret"))
        || !g.redirectUri().equals(f.get("redirect_uri"))
        || !g.challenge().equals(s256(f.get("code_verifier")))) {
      c.response()
          .end(
              new JsonObject()
                  .put("error", "bad_verification_code")
                  .put("error_description", "The code passed is incorrect or expired.")
                  .encode());
      return;
    }
    String token = "gho_" + UUID.randomUUID().toString().replace("-", "");
    tokens.put(token, g.user());
    c.response()
        .end(
            new JsonObject()
                .put("access_token", token)
                .put("token_type", "bearer")
                .put("scope", "read:org,read:user,user:email")
                .encode());
  }

  private void api(RoutingContext c, java.util.function.Function<User, String> answer) {
    String auth = c.request().getHeader("Authorization");
    User u = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
    c.response().putHeader("Content-Type", "application/json; charset=utf-8");
    if (u == null) {
      c.response()
          .setStatusCode(401)
          .end(
              new JsonObject()
                  .put("message", "Requires authentication")
                  .put("documentation_url", "https://docs.github.com/rest")
                  .encode());
      return;
    }
    c.response().end(answer.apply(u));
  }

  private static String s256(String verifier) {
    if (verifier == null) {
      return "";
    }
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
