package dev.trellis.identity.user;

import dev.trellis.identity.tailnet.TailnetDirectory;
import dev.trellis.proto.event.v1.LoginMethod;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.http.JsonBodies;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The admin API for users: {@code GET /api/v1/users?tailnet=T}, {@code POST /api/v1/users} (invite:
 * add a user by email with a role), {@code POST /api/v1/users/:id/role} and {@code POST
 * /api/v1/users/:id/remove}. A user or tailnet the caller may not read answers 404.
 *
 * <p>Thread-safety: handlers run on the event loop and move Hazelcast reads to workers.
 */
public final class UserRoutes {
  private final Vertx vertx;
  private final ApiTokenAuthenticator authenticator;
  private final TailnetDirectory tailnets;
  private final UserDirectory users;
  private final UserCommands commands;

  /** Body of {@code POST /api/v1/users}. */
  public record InviteRequest(String tailnet, String email, String role, String displayName) {}

  /** Body of {@code POST /api/v1/users/:id/role}. */
  public record RoleRequest(String role) {}

  /** Body of {@code POST /api/v1/users/:id/remove} (optional). */
  public record RemoveRequest(String reason) {}

  public UserRoutes(
      Vertx vertx,
      ApiTokenAuthenticator authenticator,
      TailnetDirectory tailnets,
      UserDirectory users,
      UserCommands commands) {
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.tailnets = tailnets;
    this.users = users;
    this.commands = commands;
  }

  /** Adds the routes to {@code router}. */
  public void mount(Router router) {
    router.get("/api/v1/users").handler(this::list);
    router.post("/api/v1/users").handler(this::invite);
    router.post("/api/v1/users/:id/role").handler(this::role);
    router.post("/api/v1/users/:id/remove").handler(this::remove);
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
                        "users",
                        users.list(tailnets.scope(p, tailnet, false)).stream()
                            .map(UserView::of)
                            .toList())));
  }

  private void invite(RoutingContext ctx) {
    authenticator
        .authenticate(ctx)
        .compose(
            p -> {
              InviteRequest req = JsonBodies.read(ctx, InviteRequest.class);
              String email = UserCommands.checkEmail(req.email(), "email");
              var role = Roles.parse(req.role() == null ? "member" : req.role(), "role");
              Roles.requireGrantable(p, role);
              return vertx
                  .executeBlocking(() -> tailnets.scope(p, req.tailnet(), true))
                  .compose(
                      id ->
                          commands.add(
                              id,
                              email,
                              req.displayName(),
                              role,
                              LoginMethod.LOGIN_METHOD_UNSPECIFIED,
                              "",
                              p.actor()));
            })
        .onSuccess(u -> JsonBodies.reply(ctx, 201, UserView.of(u)))
        .onFailure(ctx::fail);
  }

  private void role(RoutingContext ctx) {
    authenticator
        .authenticate(ctx)
        .compose(
            p -> {
              var role = Roles.parse(JsonBodies.read(ctx, RoleRequest.class).role(), "role");
              return commands.setRole(p, ctx.pathParam("id"), role);
            })
        .onSuccess(u -> JsonBodies.reply(ctx, 200, UserView.of(u)))
        .onFailure(ctx::fail);
  }

  private void remove(RoutingContext ctx) {
    authenticator
        .authenticate(ctx)
        .compose(
            p -> {
              boolean hasBody = ctx.body() != null && ctx.body().length() > 0;
              String reason = hasBody ? JsonBodies.read(ctx, RemoveRequest.class).reason() : "";
              return commands.remove(p, ctx.pathParam("id"), reason);
            })
        .onSuccess(u -> JsonBodies.reply(ctx, 200, UserView.of(u)))
        .onFailure(ctx::fail);
  }
}
