package dev.trellis.identity.signing;

import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.http.JsonBodies;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * {@code GET /.well-known/jwks.json}: the public keys that verify identity's tokens (cacheable for
 * a minute), and {@code POST /api/v1/signing-keys/rotate} for deployment administrators.
 *
 * <p>Thread-safety: handlers run on the event loop and move Hazelcast reads to workers.
 */
public final class JwksRoutes {
  private final Vertx vertx;
  private final ApiTokenAuthenticator authenticator;
  private final SigningKeys keys;

  public JwksRoutes(Vertx vertx, ApiTokenAuthenticator authenticator, SigningKeys keys) {
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.keys = keys;
  }

  /** Adds the routes to {@code router}. */
  public void mount(Router router) {
    router.get("/.well-known/jwks.json").handler(this::jwks);
    router.post("/api/v1/signing-keys/rotate").handler(this::rotate);
  }

  private void jwks(RoutingContext ctx) {
    vertx
        .executeBlocking(() -> keys.jwks().toString(true))
        .onSuccess(
            json ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "max-age=60")
                    .end(json))
        .onFailure(ctx::fail);
  }

  private void rotate(RoutingContext ctx) {
    authenticator
        .authenticate(ctx)
        .compose(
            p -> {
              p.requireDeploymentAdmin();
              return keys.rotate(p.actor());
            })
        .onSuccess(kid -> JsonBodies.reply(ctx, 200, Map.of("kid", kid)))
        .onFailure(ctx::fail);
  }
}
