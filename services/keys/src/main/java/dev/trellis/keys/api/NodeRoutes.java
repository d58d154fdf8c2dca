package dev.trellis.keys.api;

import dev.trellis.keys.lifecycle.NodeCommands;
import dev.trellis.keys.registry.Tags;
import dev.trellis.keys.state.NodeStore;
import dev.trellis.keys.state.Tailnets;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.v1.NodeRemovalReason;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.proto.state.v1.NodeRouteState;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.access.TagDefinitions;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.JsonBodies;
import dev.trellis.runtime.service.CommandThreads;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The admin API of nodes, with API tokens: {@code GET /api/v1/nodes?tailnet=T}, {@code GET
 * /api/v1/nodes/{id}}, and {@code POST /api/v1/nodes/{id}/} {@code rename}, {@code expire}, {@code
 * key-expiry}, {@code revoke}, {@code tags}, {@code approve}, {@code remove} (also {@code DELETE
 * /api/v1/nodes/{id}}). A node of a tailnet the caller may not read is {@code NODE_NOT_FOUND},
 * exactly as a node that does not exist; changes need the owner or admin role.
 *
 * <p>Thread-safety: handlers run on event loops and hand blocking work to {@link CommandThreads}.
 */
public final class NodeRoutes {
  private final ApiTokenAuthenticator auth;
  private final CommandThreads threads;
  private final NodeCommands commands;
  private final NodeStore store;
  private final Tailnets tailnets;

  private final TagDefinitions definitions;

  record RenameRequest(String name) {}

  record KeyExpiryRequest(Boolean disabled) {}

  record TagsRequest(List<String> tags) {}

  record RevokeRequest(String reason) {}

  public NodeRoutes(
      ApiTokenAuthenticator auth,
      CommandThreads threads,
      NodeCommands commands,
      NodeStore store,
      Tailnets tailnets,
      TagDefinitions definitions) {
    this.definitions = definitions;
    this.auth = auth;
    this.threads = threads;
    this.commands = commands;
    this.store = store;
    this.tailnets = tailnets;
  }

  /** Mounts the routes. */
  public void mount(Router router) {
    router.get("/api/v1/nodes").handler(this::list);
    router.get("/api/v1/nodes/:id").handler(this::show);
    router.delete("/api/v1/nodes/:id").handler(this::remove);
    router.post("/api/v1/nodes/:id/remove").handler(this::remove);
    router.post("/api/v1/nodes/:id/rename").handler(this::rename);
    router.post("/api/v1/nodes/:id/expire").handler(ctx -> change(ctx, commands::expire));
    router.post("/api/v1/nodes/:id/approve").handler(ctx -> change(ctx, commands::approve));
    router.post("/api/v1/nodes/:id/key-expiry").handler(this::keyExpiry);
    router.post("/api/v1/nodes/:id/revoke").handler(this::revoke);
    router.post("/api/v1/nodes/:id/tags").handler(this::tags);
  }

  private void list(RoutingContext ctx) {
    String tailnet = ctx.queryParams().get("tailnet");
    auth.respond(
        ctx,
        200,
        caller ->
            threads.run(
                () -> {
                  String id = tailnets.scope(caller, tailnet);
                  List<NodeRecord> nodes = store.inTailnet(id);
                  Set<String> ids =
                      nodes.stream()
                          .map(NodeRecord::getNodeId)
                          .collect(java.util.stream.Collectors.toSet());
                  Map<String, List<String>> addresses = store.addresses(ids);
                  Map<String, NodeRouteState> routes = store.routeStates(ids);
                  List<NodeView> views =
                      nodes.stream()
                          .map(
                              n ->
                                  NodeView.of(
                                      n,
                                      addresses.get(n.getNodeId()),
                                      store.offlineSince(n.getNodeId()).orElse(null),
                                      routes.getOrDefault(
                                          n.getNodeId(), NodeRouteState.getDefaultInstance())))
                          .toList();
                  return Map.of("tailnetId", id, "nodes", views);
                }));
  }

  private void show(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    auth.respond(ctx, 200, caller -> threads.run(() -> view(readable(caller, id))));
  }

  private void rename(RoutingContext ctx) {
    withBody(
        ctx,
        RenameRequest.class,
        (node, req) -> {
          if (req.name() == null) {
            throw ApiException.field(ErrorCode.BAD_REQUEST, "name", "A name is required.");
          }
          return req;
        },
        (node, req, caller) -> commands.rename(node, req.name(), caller.actor()));
  }

  private void keyExpiry(RoutingContext ctx) {
    withBody(
        ctx,
        KeyExpiryRequest.class,
        (node, req) -> {
          if (!Boolean.TRUE.equals(req.disabled())) {
            throw ApiException.field(
                ErrorCode.BAD_REQUEST,
                "disabled",
                "Only {\"disabled\":true} is supported; re-authenticate the node to renew its key.");
          }
          return req;
        },
        (node, req, caller) -> commands.disableExpiry(node, caller.actor()));
  }

  private void revoke(RoutingContext ctx) {
    withBody(
        ctx,
        RevokeRequest.class,
        (node, req) -> req,
        (node, req, caller) -> commands.revoke(node, req.reason(), caller.actor()));
  }

  private void tags(RoutingContext ctx) {
    withBody(
        ctx,
        TagsRequest.class,
        (node, req) -> {
          if (req.tags() == null) {
            throw ApiException.field(ErrorCode.BAD_REQUEST, "tags", "A list of tags is required.");
          }
          List<String> checked = Tags.check(req.tags(), "tags");
          // As registration: only tags the tailnet's policy defines in tagOwners.
          definitions.require(node.getTailnetId(), req.tags(), "tags", ErrorCode.FORBIDDEN);
          return new TagsRequest(checked);
        },
        (node, req, caller) -> commands.tag(node, req.tags(), caller.actor()));
  }

  private void remove(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    auth.respond(
        ctx,
        200,
        caller ->
            threads.run(
                () -> {
                  NodeRecord node = administrable(caller, id);
                  commands.remove(node, NodeRemovalReason.REMOVED_BY_ADMIN, caller.actor());
                  return view(node);
                }));
  }

  private void change(
      RoutingContext ctx, BiFunction<NodeRecord, dev.trellis.proto.event.v1.Actor, NodeRecord> op) {
    String id = ctx.pathParam("id");
    auth.respond(
        ctx,
        200,
        caller -> threads.run(() -> view(op.apply(administrable(caller, id), caller.actor()))));
  }

  private interface Check<B> {
    B apply(NodeRecord node, B body);
  }

  private interface Op<B> {
    NodeRecord apply(NodeRecord node, B body, Principal caller);
  }

  private <B> void withBody(RoutingContext ctx, Class<B> type, Check<B> check, Op<B> op) {
    String id = ctx.pathParam("id");
    auth.respond(
        ctx,
        200,
        caller -> {
          B body = JsonBodies.read(ctx, type);
          return threads.run(
              () -> {
                NodeRecord node = administrable(caller, id);
                return view(op.apply(node, check.apply(node, body), caller));
              });
        });
  }

  private NodeRecord readable(Principal caller, String id) {
    return NodeAccess.readable(store, caller, id);
  }

  private NodeRecord administrable(Principal caller, String id) {
    NodeRecord node = readable(caller, id);
    if (!caller.canAdminister(node.getTailnetId())) {
      throw ApiException.of(ErrorCode.FORBIDDEN, "This needs the owner or admin role.");
    }
    return node;
  }

  private NodeView view(NodeRecord node) {
    return NodeAccess.view(store, node);
  }
}
