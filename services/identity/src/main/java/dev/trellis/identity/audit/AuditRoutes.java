package dev.trellis.identity.audit;

import dev.trellis.identity.tailnet.TailnetDirectory;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.runtime.access.ApiTokenAuthenticator;
import dev.trellis.runtime.access.RoleRank;
import dev.trellis.runtime.eventlog.EventHandler;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.LoggedEvent;
import dev.trellis.runtime.eventlog.ReplayStart;
import dev.trellis.runtime.eventlog.Subscription;
import dev.trellis.runtime.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * {@code GET /api/v1/audit}: a tailnet's history read from the log, as NDJSON (one {@link
 * AuditLine} per event). Without {@code follow} it replays every topic up to its current end and
 * sends the matching events in time order; with {@code follow=true} it keeps the response open and
 * streams events as they are appended, until the client goes away, with an empty line every {@link
 * #HEARTBEAT} while nothing happens (so the connection is not idle and proxies keep it). A
 * following client that accepts {@code text/event-stream} (a browser's {@code EventSource}, which
 * the console uses for live pages) gets the same lines as server-sent events: each event one {@code
 * data:} message, the heartbeat a comment.
 *
 * <p>Authorization: the tailnet's auditors, network admins, admins and owners, and deployment
 * administrators. Members do not read the audit: it shows every user's sign-ins, every refused
 * request and who changed what, which is more than a member sees anywhere else (403). A tailnet the
 * caller may not read answers 404 exactly like one that does not exist. The pseudo-tailnet {@code
 * -} holds what names no tailnet (refused requests without a known credential, failed sign-ins to
 * unknown tailnets); only deployment administrators read it.
 *
 * <p>Thread-safety: replay handlers run on the log's consumer threads and only add to a
 * synchronized list or write to the response, which Vert.x makes thread-safe.
 */
public final class AuditRoutes {
  private final Vertx vertx;
  private final EventLog log;
  private final ApiTokenAuthenticator authenticator;
  private final TailnetDirectory directory;

  /** How often a followed stream without events gets an empty line. */
  public static final java.time.Duration HEARTBEAT = java.time.Duration.ofSeconds(20);

  /** The pseudo-tailnet of events that name none. */
  public static final String NO_TAILNET = "-";

  public AuditRoutes(
      Vertx vertx, EventLog log, ApiTokenAuthenticator authenticator, TailnetDirectory directory) {
    this.vertx = vertx;
    this.log = log;
    this.authenticator = authenticator;
    this.directory = directory;
  }

  /** Adds the route to {@code router}. */
  public void mount(Router router) {
    router.get("/api/v1/audit").handler(this::audit);
  }

  private void audit(RoutingContext ctx) {
    AuditQuery query;
    try {
      query = AuditQuery.from(ctx);
    } catch (RuntimeException e) {
      ctx.fail(e);
      return;
    }
    authenticator
        .authenticate(ctx)
        .compose(
            principal ->
                vertx.executeBlocking(
                    () -> {
                      if (NO_TAILNET.equals(query.tailnet())) {
                        if (!principal.deploymentAdmin()) {
                          throw ApiException.of(ErrorCode.TAILNET_NOT_FOUND);
                        }
                        return NO_TAILNET;
                      }
                      String id = directory.scope(principal, query.tailnet(), false);
                      if (!principal.deploymentAdmin()
                          && RoleRank.of(principal.role()) < RoleRank.of(UserRole.AUDITOR)) {
                        throw ApiException.of(
                            ErrorCode.FORBIDDEN,
                            "Reading the audit needs the auditor, network-admin, admin or owner"
                                + " role.");
                      }
                      return id;
                    }))
        .onSuccess(tailnetId -> stream(ctx, query, tailnetId))
        .onFailure(ctx::fail);
  }

  private void stream(RoutingContext ctx, AuditQuery query, String tailnetId) {
    HttpServerResponse response = ctx.response();
    boolean sse = query.follow() && wantsEventStream(ctx);
    response
        .setChunked(true)
        .putHeader("Content-Type", sse ? "text/event-stream" : "application/x-ndjson")
        .putHeader("Cache-Control", "no-store");
    ReplayStart start =
        query.since() == null ? ReplayStart.beginning() : ReplayStart.atTime(query.since());
    if (query.follow()) {
      follow(response, query, tailnetId, start, sse);
    } else {
      history(response, query, tailnetId, start);
    }
  }

  private void history(
      HttpServerResponse response, AuditQuery query, String tailnetId, ReplayStart start) {
    List<LoggedEvent> found = Collections.synchronizedList(new ArrayList<>());
    EventHandler collect =
        e -> {
          if (belongs(e, query, tailnetId)) {
            found.add(e);
          }
          return Future.succeededFuture();
        };
    List<Future<?>> replays = new ArrayList<>();
    for (String topic : Topics.all()) {
      replays.add(log.replay(topic, start, collect));
    }
    Future.all(replays)
        .onSuccess(
            v -> {
              List<LoggedEvent> sorted = new ArrayList<>(found);
              sorted.sort(
                  Comparator.comparingLong((LoggedEvent e) -> e.envelope().getTime().getSeconds())
                      .thenComparingInt(e -> e.envelope().getTime().getNanos())
                      .thenComparing(LoggedEvent::topic)
                      .thenComparingLong(LoggedEvent::offset));
              for (LoggedEvent e : sorted) {
                response.write(AuditLine.of(e) + "\n");
              }
              response.end();
            })
        .onFailure(
            err -> {
              // Headers are sent; the best we can do is end the stream with an error line.
              response.end(
                  "{\"error\":{\"code\":\"UNAVAILABLE\",\"message\":\"The log could not be read.\"}}\n");
            });
  }

  private void follow(
      HttpServerResponse response,
      AuditQuery query,
      String tailnetId,
      ReplayStart start,
      boolean sse) {
    List<Subscription> subscriptions = new ArrayList<>();
    EventHandler write =
        e -> {
          if (belongs(e, query, tailnetId) && !response.closed()) {
            response.write(sse ? "data: " + AuditLine.of(e) + "\n\n" : AuditLine.of(e) + "\n");
          }
          return Future.succeededFuture();
        };
    for (String topic : Topics.all()) {
      subscriptions.add(log.follow(topic, start, write));
    }
    response.write(
        sse ? ": open\n\n" : ""); // send the headers now, so the client sees the stream open
    long heartbeat =
        vertx.setPeriodic(
            HEARTBEAT.toMillis(),
            id -> {
              if (!response.closed()) {
                response.write(sse ? ": heartbeat\n\n" : "\n");
              }
            });
    response.closeHandler(
        v -> {
          vertx.cancelTimer(heartbeat);
          subscriptions.forEach(Subscription::stop);
        });
  }

  /** Whether the client asked for server-sent events (a browser's EventSource does). */
  private static boolean wantsEventStream(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    return accept != null && accept.contains("text/event-stream");
  }

  private static boolean belongs(LoggedEvent e, AuditQuery query, String tailnetId) {
    return e.envelope().getTailnetId().equals(tailnetId) && query.matches(e.envelope());
  }
}
