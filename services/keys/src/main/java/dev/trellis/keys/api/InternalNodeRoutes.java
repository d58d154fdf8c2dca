package dev.trellis.keys.api;

import dev.trellis.keys.lifecycle.NodeCommands;
import dev.trellis.keys.registry.RegisterRequest;
import dev.trellis.keys.registry.Registration;
import dev.trellis.keys.state.NodeStore;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.JsonBodies;
import dev.trellis.runtime.service.CommandThreads;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The key registry's internal endpoints, for Trellis services only ({@link
 * Principal#requireInternal()}): {@code POST /api/v1/internal/nodes/register} (with {@code
 * "checkOnly": true} it registers nothing and answers whether it would accept), {@code POST
 * /api/v1/internal/nodes/{id}/logout} and {@code POST /api/v1/internal/nodes/{id}/disco}.
 *
 * <p>Thread-safety: handlers run on event loops and hand blocking work to {@link CommandThreads}.
 */
public final class InternalNodeRoutes {
  private final ApiTokenAuthenticator auth;
  private final CommandThreads threads;
  private final Registration registration;
  private final NodeCommands commands;
  private final NodeStore store;

  /** The body of the disco endpoint. */
  record DiscoRequest(String discoKey) {}

  public InternalNodeRoutes(
      ApiTokenAuthenticator auth,
      CommandThreads threads,
      Registration registration,
      NodeCommands commands,
      NodeStore store) {
    this.auth = auth;
    this.threads = threads;
    this.registration = registration;
    this.commands = commands;
    this.store = store;
  }

  /** Mounts the routes. */
  public void mount(Router router) {
    router.post("/api/v1/internal/nodes/register").handler(this::register);
    router.post("/api/v1/internal/nodes/:id/logout").handler(this::logout);
    router.post("/api/v1/internal/nodes/:id/disco").handler(this::disco);
  }

  private void register(RoutingContext ctx) {
    auth.respond(
        ctx,
        200,
        caller -> {
          caller.requireInternal();
          RegisterRequest req = JsonBodies.read(ctx, RegisterRequest.class);
          if (Boolean.TRUE.equals(req.checkOnly())) {
            return threads.run(
                () -> {
                  registration.verify(req);
                  return Map.of("accepted", true);
                });
          }
          return threads.run(() -> registration.register(req, caller.actor()));
        });
  }

  private void logout(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    auth.respond(
        ctx,
        200,
        caller -> {
          caller.requireInternal();
          return threads.run(
              () -> {
                NodeRecord node = store.require(id);
                commands.logout(node, caller.actor());
                return Map.of("nodeId", id, "loggedOut", true);
              });
        });
  }

  private void disco(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    auth.respond(
        ctx,
        200,
        caller -> {
          caller.requireInternal();
          DiscoRequest req = JsonBodies.read(ctx, DiscoRequest.class);
          byte[] key = parseDisco(req.discoKey());
          return threads.run(
              () -> {
                NodeRecord node = commands.disco(store.require(id), key, caller.actor());
                return Map.of(
                    "nodeId",
                    id,
                    "discoKey",
                    DiscoPublicKey.fromBytes(node.getDiscoKey().toByteArray()).toString());
              });
        });
  }

  private static byte[] parseDisco(String text) {
    if (text == null) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, "discoKey", "A disco key is required.");
    }
    try {
      return DiscoPublicKey.parse(text).toBytes();
    } catch (IllegalArgumentException e) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, "discoKey", "Not a valid disco key text.");
    }
  }
}
