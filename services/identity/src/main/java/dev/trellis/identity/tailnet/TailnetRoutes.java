package dev.trellis.identity.tailnet;

import dev.trellis.proto.state.v1.TailnetRecord;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.http.JsonBodies;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The admin API for tailnets: {@code POST /api/v1/tailnets} (deployment administrators) and {@code
 * GET /api/v1/tailnets} (every tailnet for deployment administrators, one's own otherwise).
 *
 * <p>Thread-safety: handlers run on the event loop and move Hazelcast reads to workers.
 */
public final class TailnetRoutes {
  private final Vertx vertx;
  private final ApiTokenAuthenticator authenticator;
  private final TailnetCommands commands;
  private final TailnetDirectory directory;

  /** The request body of {@code POST /api/v1/tailnets}. */
  public record CreateRequest(String name) {}

  /** A tailnet in responses. */
  public record TailnetView(String id, String name, String createdAt) {
    static TailnetView of(TailnetRecord t) {
      return new TailnetView(
          t.getTailnetId(),
          t.getName(),
          Instant.ofEpochSecond(t.getCreatedAt().getSeconds(), t.getCreatedAt().getNanos())
              .toString());
    }
  }

  public TailnetRoutes(
      Vertx vertx,
      ApiTokenAuthenticator authenticator,
      TailnetCommands commands,
      TailnetDirectory directory) {
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.commands = commands;
    this.directory = directory;
  }

  /** Adds the routes to {@code router}. */
  public void mount(Router router) {
    router.post("/api/v1/tailnets").handler(this::create);
    router.get("/api/v1/tailnets").handler(this::list);
  }

  private void create(RoutingContext ctx) {
    authenticator
        .authenticate(ctx)
        .compose(
            principal -> {
              principal.requireDeploymentAdmin();
              String name = TailnetName.check(JsonBodies.read(ctx, CreateRequest.class).name());
              return commands.create(name, principal.actor(), UUID.randomUUID().toString());
            })
        .onSuccess(t -> JsonBodies.reply(ctx, 201, TailnetView.of(t)))
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    authenticator
        .authenticate(ctx)
        .compose(principal -> vertx.executeBlocking(() -> visible(principal)))
        .onSuccess(list -> JsonBodies.reply(ctx, 200, Map.of("tailnets", list)))
        .onFailure(ctx::fail);
  }

  private List<TailnetView> visible(Principal principal) {
    return directory.all().stream()
        .filter(t -> principal.canRead(t.getTailnetId()))
        .map(TailnetView::of)
        .toList();
  }
}
