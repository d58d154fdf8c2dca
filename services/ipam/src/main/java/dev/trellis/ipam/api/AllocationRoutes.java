package dev.trellis.ipam.api;

import dev.trellis.ipam.allocate.Allocator;
import dev.trellis.ipam.projection.AllocationStore;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.http.JsonBodies;
import dev.trellis.runtime.service.CommandThreads;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The address endpoints: {@code POST /api/v1/internal/allocations} {@code {tailnetId, nodeId}} →
 * {@code {ipv4, ipv6}} for Trellis services ({@link Principal#requireInternal()}; the coordinator
 * calls it after registering a node), and {@code GET /api/v1/addresses?tailnet=T} → {@code
 * {tailnetId, addresses:[{nodeId, ipv4, ipv6}]}} for API tokens that may read the tailnet.
 *
 * <p>Thread-safety: handlers run on event loops and hand blocking work to {@link CommandThreads}.
 */
public final class AllocationRoutes {
  private final ApiTokenAuthenticator auth;
  private final CommandThreads threads;
  private final Allocator allocator;
  private final AllocationStore store;

  /** The body of the allocation endpoint. */
  record AllocationRequest(String tailnetId, String nodeId) {}

  public AllocationRoutes(
      ApiTokenAuthenticator auth,
      CommandThreads threads,
      Allocator allocator,
      AllocationStore store) {
    this.auth = auth;
    this.threads = threads;
    this.allocator = allocator;
    this.store = store;
  }

  /** Mounts the routes. */
  public void mount(Router router) {
    router.post("/api/v1/internal/allocations").handler(this::allocate);
    router.get("/api/v1/addresses").handler(this::list);
  }

  private void allocate(RoutingContext ctx) {
    auth.respond(
        ctx,
        200,
        caller -> {
          caller.requireInternal();
          AllocationRequest req = JsonBodies.read(ctx, AllocationRequest.class);
          String tailnetId = Ids.require("tailnetId", req.tailnetId());
          String nodeId = Ids.require("nodeId", req.nodeId());
          return threads.run(() -> allocator.allocate(tailnetId, nodeId, caller.actor()));
        });
  }

  private void list(RoutingContext ctx) {
    auth.respond(
        ctx,
        200,
        caller -> {
          String tailnetId = Ids.require("tailnet", ctx.request().getParam("tailnet"));
          caller.requireRead(tailnetId);
          return threads.run(
              () -> Map.of("tailnetId", tailnetId, "addresses", store.inTailnet(tailnetId)));
        });
  }
}
