package dev.trellis.runtime.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds what clients can hold on one listener, by {@link ListenerLimits}:
 *
 * <ol>
 *   <li>TLS: the handshake must complete within the handshake timeout (Vert.x closes it; failures
 *       are counted from the server's exception handler).
 *   <li>Per source: a connection beyond the source address's limit is closed as soon as it opens.
 *   <li>Headers: a new connection must have sent a complete request line and headers within the
 *       header timeout, or it is closed (a client trickling headers, "slowloris", or one that never
 *       speaks).
 *   <li>Keep-alive: after a response, the next request's headers must arrive within the idle
 *       timeout.
 *   <li>Upgrades (the device channel's WebSocket, the relay protocol) leave the guard's deadlines
 *       for their own: the handshake deadline of the protocol, keepalives.
 * </ol>
 *
 * <p>Request bodies are bounded in time by the {@link ApiRouter}'s body deadline. Every close and
 * refusal is counted: {@code trellis_connections_closed_total{listener,reason}} ({@code
 * header_timeout}, {@code keepalive_timeout}, {@code body_timeout}), {@code
 * trellis_connections_refused_total{listener,reason}} ({@code per_source_limit}, {@code
 * tls_handshake}), with {@code trellis_connections_open{listener}}.
 *
 * <p>Thread-safety: thread-safe; one guard may serve several servers sharing a port (the relay's
 * listeners), so that the per-source count spans them.
 */
public final class ConnectionGuard {
  private final Vertx vertx;
  private final String listener;
  private final ListenerLimits limits;
  private final MeterRegistry meters;
  private final Map<String, AtomicInteger> perSource = new ConcurrentHashMap<>();
  private final Map<HttpConnection, Tracked> open = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  /** One connection's state; touched on its event loop only (volatile for the gauge readers). */
  private static final class Tracked {
    final String source;
    volatile long timer = -1;
    volatile int inFlight;
    volatile boolean upgrade;

    Tracked(String source) {
      this.source = source;
    }
  }

  public ConnectionGuard(
      Vertx vertx, String listener, ListenerLimits limits, MeterRegistry meters) {
    this.vertx = vertx;
    this.listener = listener;
    this.limits = limits;
    this.meters = meters;
    Gauge.builder("trellis_connections_open", open, Map::size)
        .description("Connections open on a listener")
        .tag("listener", listener)
        .register(meters);
  }

  /** The limits enforced. */
  public ListenerLimits limits() {
    return limits;
  }

  /** {@code options} with the guard's socket-level settings (the TLS handshake deadline). */
  public HttpServerOptions options(HttpServerOptions options) {
    return options
        .setSslHandshakeTimeout(limits.handshakeTimeout().toMillis())
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  /**
   * Guards {@code server}: its connection and exception handlers are the guard's, and {@code
   * handler} gets its requests through the guard. A {@link Router} tells the guard when each
   * response ends through a first route (vertx-web owns the response's end handler); any other
   * handler through the response's end handler.
   */
  public HttpServer attach(HttpServer server, Handler<HttpServerRequest> handler) {
    boolean routed = handler instanceof Router;
    if (handler instanceof Router router) {
      router
          .route()
          .order(Integer.MIN_VALUE)
          .handler(
              ctx -> {
                HttpServerRequest req = ctx.request();
                ctx.addEndHandler(v -> responded(req));
                ctx.next();
              });
    }
    server.connectionHandler(this::opened);
    server.exceptionHandler(
        e -> {
          // Errors before the HTTP connection exists: the TLS handshake failed or timed out.
          String kind = e.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
          count(
              "trellis_connections_refused_total",
              kind.contains("timeout") ? "tls_handshake_timeout" : "tls_handshake");
        });
    server.requestHandler(req -> request(req, handler, routed));
    return server;
  }

  /** Open connections from {@code source} now (for tests and diagnostics). */
  public int openFrom(String source) {
    AtomicInteger n = perSource.get(source);
    return n == null ? 0 : n.get();
  }

  private void opened(HttpConnection conn) {
    String source = conn.remoteAddress() == null ? "" : conn.remoteAddress().hostAddress();
    AtomicInteger n = perSource.computeIfAbsent(source, s -> new AtomicInteger());
    int now = n.incrementAndGet();
    Tracked t = new Tracked(source);
    open.put(conn, t);
    conn.closeHandler(v -> closed(conn, t));
    if (limits.maxPerSource() > 0 && now > limits.maxPerSource()) {
      count("trellis_connections_refused_total", "per_source_limit");
      conn.close();
      return;
    }
    arm(conn, t, limits.headerTimeout().toMillis(), "header_timeout");
  }

  private void closed(HttpConnection conn, Tracked t) {
    if (open.remove(conn) == null) {
      return;
    }
    cancel(t);
    perSource.computeIfPresent(t.source, (s, n) -> n.decrementAndGet() <= 0 ? null : n);
  }

  private void request(HttpServerRequest req, Handler<HttpServerRequest> handler, boolean routed) {
    HttpConnection conn = req.connection();
    Tracked t = conn == null ? null : open.get(conn);
    if (t != null) {
      cancel(t);
      t.inFlight++;
      if (req.getHeader("Upgrade") != null) {
        // A WebSocket or relay upgrade: the protocol keeps its own deadlines from here.
        t.upgrade = true;
      } else if (!routed) {
        req.response().endHandler(v -> responded(req));
      }
    }
    handler.handle(req);
  }

  /** {@code req}'s response ended: with nothing else in flight, the keep-alive deadline starts. */
  private void responded(HttpServerRequest req) {
    HttpConnection conn = req.connection();
    Tracked t = conn == null ? null : open.get(conn);
    if (t == null) {
      return;
    }
    t.inFlight = Math.max(0, t.inFlight - 1);
    if (t.inFlight == 0 && !t.upgrade) {
      arm(conn, t, limits.idleTimeout().toMillis(), "keepalive_timeout");
    }
  }

  /** Closes the connection of {@code req} because its body did not arrive in time (counted). */
  public void bodyTimedOut(HttpServerRequest req) {
    count("trellis_connections_closed_total", "body_timeout");
    if (req.connection() != null) {
      req.connection().close();
    }
  }

  private void arm(HttpConnection conn, Tracked t, long ms, String reason) {
    cancel(t);
    t.timer =
        vertx.setTimer(
            Math.max(1, ms),
            id -> {
              t.timer = -1;
              if (t.inFlight == 0 && !t.upgrade && open.containsKey(conn)) {
                count("trellis_connections_closed_total", reason);
                conn.close();
              }
            });
  }

  private void cancel(Tracked t) {
    long id = t.timer;
    if (id >= 0) {
      vertx.cancelTimer(id);
      t.timer = -1;
    }
  }

  private void count(String meter, String reason) {
    counters
        .computeIfAbsent(
            meter + "/" + reason,
            k ->
                Counter.builder(meter)
                    .description("Connections a listener refused or closed, by reason")
                    .tag("listener", listener)
                    .tag("reason", reason)
                    .register(meters))
        .increment();
  }
}
