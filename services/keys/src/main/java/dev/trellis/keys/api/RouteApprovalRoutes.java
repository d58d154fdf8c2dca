package dev.trellis.keys.api;

import dev.trellis.keys.lifecycle.NodeCommands;
import dev.trellis.keys.state.NodeStore;
import dev.trellis.keys.state.Tailnets;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.net.AdvertisedRoutes;
import dev.trellis.proto.state.v1.NodeRecord;
import dev.trellis.proto.state.v1.NodeRouteState;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.Principal;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.http.JsonBodies;
import dev.trellis.runtime.service.CommandThreads;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The admin API of subnet routes and exit nodes: {@code GET /api/v1/nodes/{id}/routes}, {@code POST
 * /api/v1/nodes/{id}/routes} (the complete approved set, like Tailscale's "set enabled routes") and
 * {@code GET /api/v1/routes?tailnet=T} (every node with a route). Anyone of the tailnet reads;
 * owners, admins and network admins approve. An approved route must be a valid route ({@link
 * AdvertisedRoutes}) that the node advertises now; an exit node is approved as the pair {@code
 * 0.0.0.0/0} and {@code ::/0}. Approving the set already approved appends nothing.
 *
 * <p>Thread-safety: handlers run on event loops and hand blocking work to {@link CommandThreads}.
 */
public final class RouteApprovalRoutes {
  private final ApiTokenAuthenticator auth;
  private final CommandThreads threads;
  private final NodeCommands commands;
  private final NodeStore store;
  private final Tailnets tailnets;

  record ApproveRequest(List<String> routes) {}

  public RouteApprovalRoutes(
      ApiTokenAuthenticator auth,
      CommandThreads threads,
      NodeCommands commands,
      NodeStore store,
      Tailnets tailnets) {
    this.auth = auth;
    this.threads = threads;
    this.commands = commands;
    this.store = store;
    this.tailnets = tailnets;
  }

  /** Mounts the routes. */
  public void mount(Router router) {
    router.get("/api/v1/nodes/:id/routes").handler(this::show);
    router.post("/api/v1/nodes/:id/routes").handler(this::approve);
    router.get("/api/v1/routes").handler(this::list);
  }

  private void show(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    auth.respond(
        ctx, 200, caller -> threads.run(() -> view(NodeAccess.readable(store, caller, id))));
  }

  private void approve(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    auth.respond(
        ctx,
        200,
        caller -> {
          ApproveRequest body = JsonBodies.read(ctx, ApproveRequest.class);
          return threads.run(
              () -> {
                NodeRecord node = editable(caller, id);
                List<String> routes = checked(node, body.routes());
                return view(commands.approveRoutes(node, routes, caller.actor()));
              });
        });
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
                      nodes.stream().map(NodeRecord::getNodeId).collect(Collectors.toSet());
                  Map<String, NodeRouteState> states = store.routeStates(ids);
                  List<RouteView> views = new ArrayList<>();
                  for (NodeRecord n : nodes) {
                    RouteView v =
                        RouteView.of(
                            n,
                            states.getOrDefault(
                                n.getNodeId(), NodeRouteState.getDefaultInstance()));
                    if (v.any()) {
                      views.add(v);
                    }
                  }
                  return Map.of("tailnetId", id, "routes", views);
                }));
  }

  /**
   * The requested set, canonical and sorted: every entry a valid route the node advertises, the
   * default routes only as a pair; 400 naming the entry ({@code routes[2]}) otherwise.
   */
  static List<String> checked(NodeRecord node, List<String> requested) {
    if (requested == null) {
      throw ApiException.field(
          ErrorCode.BAD_REQUEST, "routes", "A list of routes is required (empty to approve none).");
    }
    Set<String> advertised = Set.copyOf(node.getAdvertisedRoutesList());
    List<String> canonical = new ArrayList<>();
    int v4 = -1;
    int v6 = -1;
    for (int i = 0; i < requested.size(); i++) {
      String field = "routes[" + i + "]";
      String text = requested.get(i);
      if (text == null) {
        throw ApiException.field(ErrorCode.BAD_REQUEST, field, "A route is required.");
      }
      String route;
      if (text.equals(AdvertisedRoutes.EXIT_V4.toString())) {
        route = text;
        v4 = i;
      } else if (text.equals(AdvertisedRoutes.EXIT_V6.toString())) {
        route = text;
        v6 = i;
      } else {
        try {
          route = AdvertisedRoutes.subnet(text).toString();
        } catch (IllegalArgumentException e) {
          throw ApiException.field(ErrorCode.BAD_REQUEST, field, e.getMessage());
        }
      }
      if (!advertised.contains(route)) {
        throw ApiException.field(
            ErrorCode.BAD_REQUEST,
            field,
            route
                + " is not advertised by "
                + node.getName()
                + "; a node must offer a route before it can be approved");
      }
      canonical.add(route);
    }
    if ((v4 < 0) != (v6 < 0)) {
      int lone = Math.max(v4, v6);
      throw ApiException.field(
          ErrorCode.BAD_REQUEST,
          "routes[" + lone + "]",
          requested.get(lone) + " alone: an exit node is approved with both 0.0.0.0/0 and ::/0");
    }
    try {
      return AdvertisedRoutes.checked(canonical);
    } catch (IllegalArgumentException e) {
      throw ApiException.field(ErrorCode.BAD_REQUEST, "routes", e.getMessage());
    }
  }

  private NodeRecord editable(Principal caller, String id) {
    NodeRecord node = NodeAccess.readable(store, caller, id);
    if (!caller.canEditNetwork(node.getTailnetId())) {
      throw ApiException.of(
          ErrorCode.FORBIDDEN, "This needs the owner, admin or network admin role.");
    }
    return node;
  }

  private RouteView view(NodeRecord node) {
    return RouteView.of(node, store.routeState(node.getNodeId()));
  }
}
