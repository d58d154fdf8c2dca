package dev.trellis.server.admin;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.http.JsonBodies;
import dev.trellis.runtime.projection.Difference;
import dev.trellis.runtime.projection.Projection;
import dev.trellis.runtime.projection.ProjectionVerifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/admin/replay/verify}: rebuilds every projection this process runs from the
 * log into fresh maps and compares them with the live state, projection by projection, naming each
 * difference. Deployment administrators only.
 *
 * <p>Thread-safety: handlers run on the event loop; the verifier works on its own threads.
 */
public final class ReplayVerifyRoutes {
  private final Vertx vertx;
  private final ApiTokenAuthenticator authenticator;
  private final ProjectionVerifier verifier;
  private final List<Projection> projections;

  /** A projection's verdict in the response. */
  public record ProjectionResult(
      String name, long entries, List<Map<String, String>> differences) {}

  /** The response body. */
  public record VerifyResponse(
      boolean equal, long eventsReplayed, List<ProjectionResult> projections) {}

  public ReplayVerifyRoutes(
      Vertx vertx,
      EventLog log,
      HazelcastInstance hazelcast,
      ApiTokenAuthenticator authenticator,
      List<Projection> projections) {
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.verifier = new ProjectionVerifier(vertx, log, hazelcast);
    this.projections = List.copyOf(projections);
  }

  /** Adds the route to {@code router}. */
  public void mount(Router router) {
    router.post("/api/v1/admin/replay/verify").handler(this::verify);
  }

  private void verify(RoutingContext ctx) {
    authenticator
        .authenticate(ctx)
        .compose(
            principal -> {
              principal.requireDeploymentAdmin();
              return verifyEach(0, new ArrayList<>(), new long[1]);
            })
        .onSuccess(r -> JsonBodies.reply(ctx, 200, r))
        .onFailure(ctx::fail);
  }

  private Future<VerifyResponse> verifyEach(int i, List<ProjectionResult> done, long[] events) {
    if (i == projections.size()) {
      boolean equal = done.stream().allMatch(p -> p.differences().isEmpty());
      return Future.succeededFuture(new VerifyResponse(equal, events[0], done));
    }
    Projection p = projections.get(i);
    return verifier
        .verify(List.of(p))
        .compose(
            report -> {
              events[0] += report.eventsReplayed();
              List<Map<String, String>> diffs = new ArrayList<>();
              for (Difference d : report.differences()) {
                Map<String, String> m = new LinkedHashMap<>();
                m.put("map", d.map());
                m.put("key", d.key());
                m.put("live", d.live());
                m.put("rebuilt", d.rebuilt());
                diffs.add(m);
              }
              done.add(new ProjectionResult(p.name(), report.entriesCompared(), diffs));
              return verifyEach(i + 1, done, events);
            });
  }
}
