package dev.trellis.agent.daemon;

import dev.trellis.agent.localapi.ReplyWriter;
import dev.trellis.agent.localapi.Request;
import dev.trellis.agent.localapi.RequestHandler;
import dev.trellis.agent.netmap.Netmap;
import dev.trellis.agent.routes.ExitNodes;
import dev.trellis.agent.routes.RoutePrefs;
import java.io.IOException;

/**
 * {@code set}: changes the route preferences without logging in again ({@link RouteFields}), keeps
 * them in the state file, sends the coordinator the new host info (the routes offered) on the open
 * stream and re-applies the netmap (allowed IPs, routes). An exit node must be an approved exit
 * node among the current netmap's peers; otherwise nothing changes and the reply says why.
 *
 * <p>Thread-safety: stateless itself; runs never beside {@code up}, {@code down} or {@code logout}
 * ({@link Verbs#addSerialized}).
 */
final class SetVerb implements RequestHandler {
  private final StateStore store;
  private final NetmapApplier applier;
  private final Runnable hostInfoChanged;

  /**
   * @param hostInfoChanged sends the changed host info soon (must not block)
   */
  SetVerb(StateStore store, NetmapApplier applier, Runnable hostInfoChanged) {
    this.store = store;
    this.applier = applier;
    this.hostInfoChanged = hostInfoChanged;
  }

  @Override
  public void handle(Request r, ReplyWriter out) throws IOException {
    RoutePrefs next;
    try {
      next = RouteFields.apply(store.current().routes(), r);
    } catch (IllegalArgumentException e) {
      out.error("USAGE", e.getMessage());
      return;
    }
    String problem = exitNodeProblem(r, next, applier.current());
    if (problem != null) {
      out.error("EXIT_NODE", problem);
      return;
    }
    store.update(s -> s.withRoutes(next));
    store.save();
    hostInfoChanged.run();
    applier.reapply();
    out.ok();
  }

  /** Why the exit node {@code r} asks for cannot be used with {@code map}, or null. */
  static String exitNodeProblem(Request r, RoutePrefs next, Netmap map) {
    if (!r.fields().containsKey("exit_node") || next.exitNode().isEmpty()) {
      return null;
    }
    if (!map.hasSelf()) {
      return "--exit-node: not connected, so no peer named '"
          + next.exitNode()
          + "' is known (run 'trellis up' first)";
    }
    return ExitNodes.problem(map, next.exitNode());
  }
}
