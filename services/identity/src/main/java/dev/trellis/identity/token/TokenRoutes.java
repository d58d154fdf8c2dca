package dev.trellis.identity.token;

import dev.trellis.identity.request.Lifetime;
import dev.trellis.identity.tailnet.TailnetDirectory;
import dev.trellis.identity.user.Roles;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.http.JsonBodies;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The admin API for API tokens: {@code POST /api/v1/tokens} (the answer carries the token once),
 * {@code GET /api/v1/tokens?tailnet=T} and {@code POST /api/v1/tokens/:id/revoke}.
 *
 * <p>Thread-safety: handlers run on the event loop and move Hazelcast reads to workers.
 */
public final class TokenRoutes {
  private final Vertx vertx;
  private final ApiTokenAuthenticator authenticator;
  private final TailnetDirectory tailnets;
  private final TokenCommands commands;

  /** Body of {@code POST /api/v1/tokens}; role defaults to the caller's, expiry to 90d. */
  public record CreateRequest(String tailnet, String role, String expiry, String description) {}

  /** Body of {@code POST /api/v1/tokens/:id/revoke} (optional). */
  public record RevokeRequest(String reason) {}

  public TokenRoutes(
      Vertx vertx,
      ApiTokenAuthenticator authenticator,
      TailnetDirectory tailnets,
      TokenCommands commands) {
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.tailnets = tailnets;
    this.commands = commands;
  }

  /** Adds the routes to {@code router}. */
  public void mount(Router router) {
    router.post("/api/v1/tokens").handler(this::create);
    router.get("/api/v1/tokens").handler(this::list);
    router.post("/api/v1/tokens/:id/revoke").handler(this::revoke);
  }

  private void create(RoutingContext ctx) {
    authenticator
        .authenticate(ctx)
        .compose(
            p -> {
              CreateRequest req = JsonBodies.read(ctx, CreateRequest.class);
              var role = req.role() == null ? p.role() : Roles.parse(req.role(), "role");
              Duration life =
                  Lifetime.parse(
                      req.expiry(), "expiry", Duration.ofDays(90), TokenCommands.MAX_LIFETIME);
              return vertx
                  .executeBlocking(() -> tailnets.scope(p, req.tailnet(), false))
                  .compose(id -> commands.create(p, id, role, life, req.description()));
            })
        .onSuccess(
            c -> {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("token", c.token());
              body.put("tokenInfo", TokenView.of(c.record()));
              JsonBodies.reply(ctx, 201, body);
            })
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    String tailnet = ctx.queryParams().get("tailnet");
    authenticator.respond(
        ctx,
        200,
        p ->
            vertx.executeBlocking(
                () ->
                    Map.of(
                        "tokens",
                        commands.list(tailnets.scope(p, tailnet, false)).stream()
                            .map(TokenView::of)
                            .toList())));
  }

  private void revoke(RoutingContext ctx) {
    authenticator.respond(
        ctx,
        200,
        p -> {
          boolean hasBody = ctx.body() != null && ctx.body().length() > 0;
          String reason = hasBody ? JsonBodies.read(ctx, RevokeRequest.class).reason() : "";
          return commands.revoke(p, ctx.pathParam("id"), reason).map(TokenView::of);
        });
  }
}
