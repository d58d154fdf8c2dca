package dev.trellis.runtime.http;

import dev.trellis.proto.error.ErrorCode;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds the one router of a process with the Trellis HTTP conventions: a body handler that rejects
 * bodies over the limit from {@code Content-Length} or while streaming (413 {@code BODY_TOO_LARGE},
 * before the whole body is read) and, when set, must arrive within a deadline (else the connection
 * is closed), the {@link ErrorResponder} for every failure and unmatched route, {@code GET
 * /healthz} (the process is alive), {@code GET /readyz} (200 only when every {@link Readiness}
 * check passes, else 503 naming the failing checks) and, when a handler is given, {@code GET
 * /metrics}. Services mount their routes on the built router or on sub-routers under {@code
 * /api/v1/...}.
 *
 * <p>Thread-safety: a builder for one thread; the built router is safe for all event loops.
 */
public final class ApiRouter {
  private static final String BODY_TIMER = "trellis.body-timer";

  private final Vertx vertx;
  private long maxBodyBytes = 1024 * 1024;
  private Readiness readiness;
  private Handler<RoutingContext> metrics;
  private RefusalListener refusals;
  private java.time.Duration bodyTimeout;
  private Handler<io.vertx.core.http.HttpServerRequest> onBodyTimeout;

  private ApiRouter(Vertx vertx) {
    this.vertx = vertx;
  }

  /** A builder for a router on {@code vertx}. */
  public static ApiRouter builder(Vertx vertx) {
    return new ApiRouter(Objects.requireNonNull(vertx, "vertx"));
  }

  /** The largest request body accepted (default 1 MiB). */
  public ApiRouter maxBodyBytes(long bytes) {
    this.maxBodyBytes = bytes;
    return this;
  }

  /** The readiness checks behind {@code /readyz} (default: none, so always ready). */
  public ApiRouter readiness(Readiness readiness) {
    this.readiness = readiness;
    return this;
  }

  /** The handler for {@code GET /metrics}, run on a worker (default: no metrics route). */
  public ApiRouter metrics(Handler<RoutingContext> handler) {
    this.metrics = handler;
    return this;
  }

  /** Where security-relevant refusals are recorded (default: nowhere). */
  public ApiRouter refusals(RefusalListener audit) {
    this.refusals = audit;
    return this;
  }

  /**
   * A request's body must arrive within {@code timeout} of its headers; when it does not, {@code
   * onTimeout} gets the request (and closes its connection). Default: no deadline.
   */
  public ApiRouter bodyTimeout(
      java.time.Duration timeout, Handler<io.vertx.core.http.HttpServerRequest> onTimeout) {
    this.bodyTimeout = timeout;
    this.onBodyTimeout = onTimeout;
    return this;
  }

  /** The router. */
  public Router build() {
    Router router = Router.router(vertx);
    ErrorResponder errors = new ErrorResponder(refusals);
    router.route().failureHandler(errors);
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, errors);
    }
    if (bodyTimeout != null) {
      long ms = Math.max(1, bodyTimeout.toMillis());
      Handler<io.vertx.core.http.HttpServerRequest> late = onBodyTimeout;
      router
          .route()
          .handler(
              ctx -> {
                long timer = vertx.setTimer(ms, id -> late.handle(ctx.request()));
                ctx.put(BODY_TIMER, timer);
                ctx.addEndHandler(v -> vertx.cancelTimer(timer));
                ctx.next();
              });
    }
    router
        .route()
        .handler(
            BodyHandler.create(false)
                .setBodyLimit(maxBodyBytes)
                .setDeleteUploadedFilesOnEnd(true)
                .setHandleFileUploads(false));
    if (bodyTimeout != null) {
      router
          .route()
          .handler(
              ctx -> {
                Long timer = ctx.get(BODY_TIMER);
                if (timer != null) {
                  vertx.cancelTimer(timer); // the body is in
                }
                ctx.next();
              });
    }
    router
        .get("/healthz")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(new JsonObject().put("status", "ok").encode()));
    Readiness checks = readiness == null ? new Readiness(Duration.ofSeconds(2)) : readiness;
    router.get("/readyz").handler(ctx -> ready(ctx, checks));
    if (metrics != null) {
      // On a worker: a scrape reads the process's CPU figures from cgroup files (blocking I/O
      // that held an event loop for 0.6 s on a busy machine).
      router.get("/metrics").blockingHandler(metrics, false);
    }
    return router;
  }

  private void ready(RoutingContext ctx, Readiness checks) {
    checks
        .evaluate(vertx)
        .onComplete(
            result -> {
              if (result.failed()) {
                ctx.fail(result.cause());
                return;
              }
              Readiness.Report report = result.result();
              JsonObject checksJson = new JsonObject();
              report.checks().forEach(checksJson::put);
              JsonObject body = new JsonObject().put("checks", checksJson);
              if (report.ready()) {
                body.put("status", "ready");
              } else {
                body.put("status", "not ready")
                    .put(
                        "error",
                        new JsonObject()
                            .put("code", ErrorCode.UNAVAILABLE.code())
                            .put("message", "Not ready: " + report.failures()));
              }
              ctx.response()
                  .setStatusCode(report.ready() ? 200 : ErrorCode.UNAVAILABLE.httpStatus())
                  .putHeader("Content-Type", "application/json")
                  .putHeader("Cache-Control", "no-store")
                  .end(body.encode());
            });
  }
}
