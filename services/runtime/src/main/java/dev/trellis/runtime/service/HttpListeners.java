package dev.trellis.runtime.service;

import dev.trellis.runtime.config.ConfigException;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.http.ConnectionGuard;
import dev.trellis.runtime.http.ListenerLimits;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two listeners of a {@link ServiceHost}: the HTTP port (the API, the device channel, {@code
 * /healthz}, {@code /readyz}) and Prometheus {@code /metrics} on its own address ({@code
 * --metrics-listen}, loopback by default; never the API port), each bounded by a {@link
 * ConnectionGuard} with the process's {@link ListenerLimits}. Metrics are scraped on a worker:
 * collecting JVM and process figures can take longer than an event-loop task may.
 *
 * <p>Thread-safety: {@link #start} once, then any thread.
 */
final class HttpListeners {
  private static final Logger LOG = LoggerFactory.getLogger(HttpListeners.class);

  private final Infrastructure infra;
  private final ListenerLimits limits;
  private final ConnectionGuard apiGuard;
  private final ConnectionGuard metricsGuard;
  private volatile HttpServer server;
  private volatile HttpServer metricsServer;

  HttpListeners(Infrastructure infra) {
    this.infra = infra;
    this.limits = ListenerLimits.from(infra.settings());
    this.apiGuard = new ConnectionGuard(infra.vertx(), "http", limits, infra.metrics().registry());
    this.metricsGuard =
        new ConnectionGuard(infra.vertx(), "metrics", limits, infra.metrics().registry());
  }

  ListenerLimits limits() {
    return limits;
  }

  /** The guard of the API port (its body deadline is the router's). */
  ConnectionGuard api() {
    return apiGuard;
  }

  /** Listens on the HTTP port with {@code router}, then on the metrics address. */
  Future<Void> start(Router router) {
    return listenApi(router).compose(v -> listenMetrics());
  }

  int httpPort() {
    return server == null ? -1 : server.actualPort();
  }

  int metricsPort() {
    return metricsServer == null ? -1 : metricsServer.actualPort();
  }

  /** Drains the HTTP port for up to {@code drainMs}, closes the metrics listener. */
  Future<Void> shutdown(long drainMs) {
    Future<Void> chain = Future.succeededFuture();
    HttpServer s = server;
    if (s != null) {
      chain = chain.compose(ignored -> s.shutdown(drainMs, TimeUnit.MILLISECONDS));
    }
    HttpServer m = metricsServer;
    if (m != null) {
      chain = chain.compose(ignored -> m.close(), e -> m.close());
    }
    return chain;
  }

  private Future<Void> listenApi(Handler<HttpServerRequest> router) {
    // No h2c: a client's "Upgrade: h2c" on a large compressed answer (/metrics) hung with
    // Vert.x 5; every Trellis API and the device channel are HTTP/1.1.
    HttpServer http =
        infra
            .vertx()
            .createHttpServer(
                apiGuard.options(
                    new HttpServerOptions()
                        .setCompressionSupported(true)
                        .setHttp2ClearTextEnabled(false)));
    return apiGuard
        .attach(http, router)
        .listen(infra.settings().httpPort(), infra.settings().httpHost())
        .map(
            s -> {
              server = s;
              LOG.info("HTTP on {}:{}", infra.settings().httpHost(), s.actualPort());
              return null;
            });
  }

  /** The {@code /metrics} listener, unless {@code --metrics-listen off}. */
  private Future<Void> listenMetrics() {
    Settings settings = infra.settings();
    var address = settings.metricsListen();
    if (address.isEmpty()) {
      return Future.succeededFuture();
    }
    Router metrics = Router.router(infra.vertx());
    // Scraped on a worker: collecting JVM and process figures can take longer than an event-loop
    // task may on a loaded machine.
    metrics
        .get("/metrics")
        .handler(
            ctx ->
                infra
                    .vertx()
                    .executeBlocking(() -> infra.metrics().scrape(), false)
                    .onSuccess(
                        text ->
                            ctx.response()
                                .putHeader(
                                    "Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                                .putHeader("Cache-Control", "no-store")
                                .end(text))
                    .onFailure(ctx::fail));
    metrics.route().handler(ctx -> ctx.response().setStatusCode(404).end());
    HttpServer http =
        infra
            .vertx()
            .createHttpServer(
                metricsGuard.options(
                    new HttpServerOptions()
                        .setCompressionSupported(true)
                        .setHttp2ClearTextEnabled(false)));
    return metricsGuard
        .attach(http, metrics)
        .listen(address.get().port(), address.get().host())
        .map(
            s -> {
              metricsServer = s;
              LOG.info("Metrics on {}:{}", address.get().host(), s.actualPort());
              return (Void) null;
            })
        .recover(
            e -> {
              if (settings.values().source(Settings.METRICS_LISTEN)
                  == dev.trellis.runtime.config.FlagValues.Source.DEFAULT) {
                // The default address taken (another Trellis process on this host): serve no
                // metrics rather than not start; the operator sees why.
                LOG.warn(
                    "Metrics not served: cannot listen on {} ({}); set --metrics-listen",
                    address.get(),
                    e.getMessage());
                return Future.succeededFuture();
              }
              return Future.failedFuture(
                  new ConfigException(
                      "--metrics-listen: cannot listen on " + address.get() + ": " + e.getMessage(),
                      e));
            });
  }
}
