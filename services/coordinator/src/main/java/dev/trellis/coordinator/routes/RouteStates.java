package dev.trellis.coordinator.routes;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.coordinator.netmap.ModelChange;
import dev.trellis.coordinator.netmap.NodeView;
import dev.trellis.proto.state.StateMaps;
import dev.trellis.proto.state.v1.NodeRouteState;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each node's routes as the model has them ({@link NodeRouteState} in {@link
 * StateMaps#ROUTES}) for the key registry's admin API. The model's thread only notes what changed
 * ({@link #changed}, a comparison and a map put); a worker writes to Hazelcast, the latest value
 * per node, one batch at a time so writes of one node never overtake each other. A node with no
 * route advertised or in force has no entry. Every instance folds the same events, so they write
 * the same values.
 *
 * <p>Thread-safety: {@link #changed} is called from the model's thread only; the writes run on a
 * worker and hand back on that thread.
 */
public final class RouteStates {
  private static final Logger LOG = LoggerFactory.getLogger(RouteStates.class);

  private final Vertx vertx;
  private final IMap<String, byte[]> map;
  private final io.vertx.core.Context context;
  private Map<String, Optional<NodeRouteState>> pending = new LinkedHashMap<>();
  private boolean writing;

  /**
   * Whether the model has caught up with the log: until then, what it replays (possibly hours of
   * history) is only noted, so an instance starting beside others never writes a node's past state
   * over its present one; the latest of each node is written at catch-up.
   */
  private boolean live;

  public RouteStates(Vertx vertx, io.vertx.core.Context modelContext, HazelcastInstance hz) {
    this.vertx = vertx;
    this.context = modelContext;
    this.map = hz.getMap(StateMaps.ROUTES);
  }

  /** The state of a node as published; empty when it has none. */
  public static Optional<NodeRouteState> state(NodeView n) {
    if (n == null) {
      return Optional.empty();
    }
    NodeView.DerivedRoutes r = n.routes();
    if (n.advertisedRoutes().isEmpty() && r.inForce().isEmpty() && r.primary().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        NodeRouteState.newBuilder()
            .setNodeId(n.id())
            .setTailnetId(n.tailnetId())
            .addAllAdvertised(n.advertisedRoutes())
            .addAllAutoApproved(r.autoApproved())
            .addAllInForce(r.inForce())
            .addAllPrimary(r.primary())
            .build());
  }

  /** Notes a model change; a node whose published state changed is written soon. */
  public void changed(ModelChange c) {
    if (!(c instanceof ModelChange.NodeChanged nc)) {
      return;
    }
    Optional<NodeRouteState> before = state(nc.before());
    Optional<NodeRouteState> after = state(nc.after());
    if (before.equals(after)) {
      return;
    }
    pending.put(nc.nodeId(), after);
    if (live && !writing) {
      write();
    }
  }

  /** The model caught up with the log: writes what it noted meanwhile, then every change. */
  public void caughtUp() {
    live = true;
    if (!writing && !pending.isEmpty()) {
      write();
    }
  }

  private void write() {
    Map<String, Optional<NodeRouteState>> batch = pending;
    pending = new LinkedHashMap<>();
    writing = true;
    vertx
        .executeBlocking(
            () -> {
              for (var e : batch.entrySet()) {
                if (e.getValue().isPresent()) {
                  map.set(e.getKey(), e.getValue().get().toByteArray());
                } else {
                  map.delete(e.getKey());
                }
              }
              return null;
            },
            false)
        .onComplete(
            r ->
                context.runOnContext(
                    v -> {
                      if (r.failed()) {
                        LOG.warn("Could not publish routes: {}", r.cause().toString());
                        // Keep the newest value of each node for the next attempt.
                        batch.forEach(pending::putIfAbsent);
                      }
                      writing = false;
                      if (!pending.isEmpty()) {
                        write();
                      }
                    }));
  }
}
