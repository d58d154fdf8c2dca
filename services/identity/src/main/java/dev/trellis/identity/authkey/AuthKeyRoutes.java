package dev.trellis.identity.authkey;

import dev.trellis.identity.request.Lifetime;
import dev.trellis.identity.tailnet.TailnetDirectory;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.TagDefinitions;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.JsonBodies;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API for auth keys: {@code POST /api/v1/authkeys} (owners and admins; the answer carries the
 * key once; its tags must be defined in the tailnet's tagOwners, as registration requires), {@code
 * GET /api/v1/authkeys?tailnet=T}, {@code POST /api/v1/authkeys/:id/revoke}, and the internal
 * {@code POST /api/v1/internal/authkeys/check} (could the key be used now; nothing changes) and
 * {@code POST /api/v1/internal/authkeys/use} for the coordinator, which authenticates with a
 * service credential: an API token with the deployment-administrator right (see {@link AuthKeyUse}
 * for how the use is decided).
 *
 * <p>Thread-safety: handlers run on the event loop and move Hazelcast reads to workers.
 */
public final class AuthKeyRoutes {
  private final Vertx vertx;
  private final ApiTokenAuthenticator authenticator;
  private final TailnetDirectory tailnets;
  private final AuthKeyDirectory keys;
  private final AuthKeyCommands commands;
  private final AuthKeyUse use;
  private final TagDefinitions tags;

  /** Body of {@code POST /api/v1/authkeys}; expiry defaults to 90d. */
  public record CreateRequest(
      String tailnet,
      Boolean reusable,
      Boolean ephemeral,
      Boolean preapproved,
      List<String> tags,
      String expiry,
      Integer uses,
      String description) {}

  /** Body of {@code POST /api/v1/authkeys/:id/revoke} (optional). */
  public record RevokeRequest(String reason) {}

  /** Body of {@code POST /api/v1/internal/authkeys/use}. */
  public record UseRequest(
      String key, String tailnet, String nodeId, String hostname, String sourceIp) {}

  public AuthKeyRoutes(
      Vertx vertx,
      ApiTokenAuthenticator authenticator,
      TailnetDirectory tailnets,
      AuthKeyDirectory keys,
      AuthKeyCommands commands,
      AuthKeyUse use,
      TagDefinitions tags) {
    this.tags = tags;
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.tailnets = tailnets;
    this.keys = keys;
    this.commands = commands;
    this.use = use;
  }

  /** Adds the routes to {@code router}. */
  public void mount(Router router) {
    router.post("/api/v1/authkeys").handler(this::create);
    router.get("/api/v1/authkeys").handler(this::list);
    router.post("/api/v1/authkeys/:id/revoke").handler(this::revoke);
    router.post("/api/v1/internal/authkeys/use").handler(ctx -> use(ctx, true));
    router.post("/api/v1/internal/authkeys/check").handler(ctx -> use(ctx, false));
  }

  private void create(RoutingContext ctx) {
    authenticator
        .authenticate(ctx)
        .compose(
            p -> {
              CreateRequest req = JsonBodies.read(ctx, CreateRequest.class);
              var options =
                  new AuthKeyCommands.Options(
                      Boolean.TRUE.equals(req.reusable()),
                      Boolean.TRUE.equals(req.ephemeral()),
                      Boolean.TRUE.equals(req.preapproved()),
                      req.tags(),
                      Lifetime.parse(
                          req.expiry(),
                          "expiry",
                          Duration.ofDays(90),
                          AuthKeyCommands.MAX_LIFETIME),
                      req.uses() == null ? 0 : req.uses(),
                      req.description());
              return vertx
                  .executeBlocking(
                      () -> {
                        String id = tailnets.scope(p, req.tailnet(), true);
                        // As registration requires of the tags a key gives its nodes.
                        tags.require(id, options.tags(), "tags", ErrorCode.AUTH_KEY_TAGS_FORBIDDEN);
                        return id;
                      })
                  .compose(id -> commands.create(p, id, options));
            })
        .onSuccess(
            c -> {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("key", c.key());
              body.put("keyInfo", AuthKeyView.of(c.record()));
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
                        "authkeys",
                        keys.list(tailnets.scope(p, tailnet, false)).stream()
                            .map(AuthKeyView::of)
                            .toList())));
  }

  private void revoke(RoutingContext ctx) {
    authenticator.respond(
        ctx,
        200,
        p -> {
          boolean hasBody = ctx.body() != null && ctx.body().length() > 0;
          String reason = hasBody ? JsonBodies.read(ctx, RevokeRequest.class).reason() : "";
          return commands.revoke(p, ctx.pathParam("id"), reason).map(AuthKeyView::of);
        });
  }

  /** {@code take}: use the key; else only check that it could be used now. */
  private void use(RoutingContext ctx, boolean take) {
    authenticator
        .authenticate(ctx)
        .compose(
            p -> {
              p.requireInternal();
              UseRequest req = JsonBodies.read(ctx, UseRequest.class);
              if (req.key() == null) {
                throw ApiException.field(ErrorCode.BAD_REQUEST, "key", "An auth key is required.");
              }
              return vertx
                  .executeBlocking(() -> tailnetId(req.tailnet()))
                  .compose(
                      tailnetId -> {
                        var request =
                            new AuthKeyUse.Request(
                                req.key(), tailnetId, req.nodeId(), req.hostname(), req.sourceIp());
                        return take ? use.use(request, p.actor()) : use.check(request, p.actor());
                      });
            })
        .onSuccess(
            g -> {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("keyInfo", AuthKeyView.of(g.key()));
              body.put("useCount", g.useCount());
              JsonBodies.reply(ctx, 200, body);
            })
        .onFailure(ctx::fail);
  }

  /** The id of the tailnet named or identified by {@code nameOrId}, or the text when unknown. */
  private String tailnetId(String nameOrId) {
    if (nameOrId == null || nameOrId.isBlank()) {
      return null;
    }
    try {
      TailnetRecord t = tailnets.resolve(nameOrId);
      return t.getTailnetId();
    } catch (RuntimeException e) {
      return nameOrId;
    }
  }
}
