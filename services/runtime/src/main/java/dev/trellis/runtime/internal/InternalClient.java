package dev.trellis.runtime.internal;

import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.access.ServiceCredentials;
import dev.trellis.runtime.http.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * How one service calls another's internal endpoints: locates a live instance through the {@link
 * ServiceDirectory}, sends JSON with this service's {@link ServiceCredentials} credential, and
 * turns an error reply back into the {@link ApiException} with the callee's code and message, so
 * that a device or admin sees the real reason (e.g. {@code AUTH_KEY_EXPIRED}), not a generic
 * failure.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class InternalClient {
  private static final long TIMEOUT_MS = 10_000;

  /** Connections kept per service address (calls beyond it wait for one). */
  static final int POOL_SIZE = 64;

  private final Vertx vertx;
  private final String caller;
  private final ServiceDirectory directory;
  private final ServiceCredentials credentials;
  private final HttpClient http;

  /** A client that calls as {@code caller} (a service name). */
  public InternalClient(
      Vertx vertx, String caller, ServiceDirectory directory, ServiceCredentials credentials) {
    this.vertx = vertx;
    this.caller = caller;
    this.directory = directory;
    this.credentials = credentials;
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true),
            // Vert.x's default of 5 connections per service queued concurrent registrations
            // (identity -> keys -> ipam) behind each other: 370 ms of 440 ms per internal call.
            new PoolOptions().setHttp1MaxSize(POOL_SIZE));
  }

  /** POSTs {@code body} (a record or map, written as JSON) to {@code path} of {@code service}. */
  public Future<JsonObject> post(String service, String path, Object body) {
    return call(HttpMethod.POST, service, path, Buffer.buffer(Json.encode(body)));
  }

  /** GETs {@code path} of {@code service}. */
  public Future<JsonObject> get(String service, String path) {
    return call(HttpMethod.GET, service, path, null);
  }

  private Future<JsonObject> call(HttpMethod method, String service, String path, Buffer body) {
    // The directory reads Hazelcast (a remote call when the entry lives on another member): on a
    // worker, never on the caller's event loop.
    return vertx
        .executeBlocking(() -> directory.locate(service), false)
        .compose(base -> send(method, service, base + path, body));
  }

  private Future<JsonObject> send(HttpMethod method, String service, String uri, Buffer body) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setAbsoluteURI(uri)
            .setIdleTimeout(TIMEOUT_MS)
            .putHeader("Authorization", "Bearer " + credentials.mint(caller))
            .putHeader("Content-Type", "application/json");
    return http.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> reply(service, resp.statusCode(), b)))
        .recover(
            e ->
                e instanceof ApiException
                    ? Future.failedFuture(e)
                    : Future.failedFuture(
                        ApiException.of(
                            ErrorCode.UNAVAILABLE,
                            "The " + service + " service did not answer: " + e.getMessage(),
                            e)));
  }

  private static JsonObject reply(String service, int status, Buffer body) {
    JsonObject json;
    try {
      json = body.length() == 0 ? new JsonObject() : body.toJsonObject();
    } catch (RuntimeException e) {
      throw ApiException.of(
          ErrorCode.INTERNAL, "The " + service + " service sent an unreadable reply.");
    }
    if (status / 100 == 2) {
      return json;
    }
    JsonObject error = json.getJsonObject("error", new JsonObject());
    ErrorCode code = ErrorCode.fromCode(error.getString("code", "INTERNAL"));
    String message = error.getString("message", code.defaultMessage());
    String field = error.getString("field");
    throw field == null ? ApiException.of(code, message) : ApiException.field(code, field, message);
  }
}
