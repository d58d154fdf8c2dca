package dev.trellis.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.error.ErrorCode;
import dev.trellis.runtime.metrics.PrometheusMetrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real Vert.x HTTP server with the conventions, hit with java.net.http.HttpClient. */
class ApiRouterTest {
  record Endpoint(String host, int port) {}

  record Registration(String name, int weight, List<Endpoint> endpoints) {
    Registration {
      if (weight < 0) {
        throw new IllegalArgumentException("weight must not be negative");
      }
    }
  }

  static Vertx vertx;
  static HttpServer server;
  static PrometheusMetrics metrics;
  static Counter registrations;
  static final AtomicBoolean kafkaUp = new AtomicBoolean();
  static final AtomicReference<String> lastToken = new AtomicReference<>();
  static final HttpClient client = HttpClient.newHttpClient();
  static String base;

  @BeforeAll
  static void start() {
    metrics = PrometheusMetrics.create("test");
    registrations = Counter.builder("trellis_test_registrations").register(metrics.registry());
    vertx =
        Vertx.builder()
            .with(metrics.applyTo(new VertxOptions()))
            .withMetrics(metrics.vertxMetricsFactory())
            .build();
    Readiness readiness = new Readiness(Duration.ofMillis(300));
    readiness.register("kafka", ReadinessCheck.when(kafkaUp::get, "not connected"));
    readiness.register("hazelcast", () -> Future.succeededFuture());
    Router router =
        ApiRouter.builder(vertx)
            .maxBodyBytes(1024)
            .readiness(readiness)
            .metrics(metrics.scrapeHandler())
            .build();
    router
        .post("/api/v1/registrations")
        .handler(
            ctx -> {
              Registration r = JsonBodies.read(ctx, Registration.class);
              registrations.increment();
              JsonBodies.reply(ctx, 201, r);
            });
    router
        .get("/api/v1/boom")
        .handler(
            ctx -> {
              throw new IllegalStateException("secret internal detail");
            });
    router
        .get("/api/v1/nodes/:id")
        .handler(
            ctx -> {
              throw ApiException.of(ErrorCode.NODE_NOT_FOUND);
            });
    router
        .get("/api/v1/whoami")
        .handler(
            ctx -> {
              BearerToken token = BearerToken.require(ctx);
              lastToken.set(token.value());
              ctx.json(new JsonObject().put("seen", token.toString()));
            });
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    base = "http://127.0.0.1:" + server.actualPort();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    metrics.close();
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, HttpRequest.BodyPublisher body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(body)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonObject error(HttpResponse<String> response) {
    assertEquals("application/json", response.headers().firstValue("content-type").orElse(""));
    JsonObject body = new JsonObject(response.body());
    assertEquals(1, body.size(), "only the error member: " + body);
    return body.getJsonObject("error");
  }

  @Test
  void healthzSaysOk() throws Exception {
    HttpResponse<String> r = get("/healthz");
    assertEquals(200, r.statusCode());
    assertEquals(new JsonObject().put("status", "ok"), new JsonObject(r.body()));
  }

  @Test
  void readyzFollowsItsChecks() throws Exception {
    kafkaUp.set(false);
    HttpResponse<String> down = get("/readyz");
    assertEquals(503, down.statusCode());
    JsonObject body = new JsonObject(down.body());
    assertEquals("not connected", body.getJsonObject("checks").getString("kafka"));
    assertEquals("ok", body.getJsonObject("checks").getString("hazelcast"));
    assertEquals("UNAVAILABLE", body.getJsonObject("error").getString("code"));
    assertTrue(body.getJsonObject("error").getString("message").contains("kafka: not connected"));
    kafkaUp.set(true);
    HttpResponse<String> up = get("/readyz");
    assertEquals(200, up.statusCode());
    assertEquals("ready", new JsonObject(up.body()).getString("status"));
  }

  @Test
  void aCheckThatNeverAnswersMakesReadyzFailInsteadOfHang() throws Exception {
    Readiness readiness = new Readiness(Duration.ofMillis(200));
    readiness.register("projection", () -> io.vertx.core.Promise.<Void>promise().future());
    Readiness.Report report = readiness.evaluate(vertx).await();
    assertFalse(report.ready());
    assertEquals("no answer within 200 ms", report.checks().get("projection"));
  }

  @Test
  void aCachedCheckIsAskedOncePerTtl() throws Exception {
    java.util.concurrent.atomic.AtomicInteger asked =
        new java.util.concurrent.atomic.AtomicInteger();
    ReadinessCheck counting =
        ReadinessCheck.when(() -> asked.incrementAndGet() > 0, "never")
            .cachedFor(Duration.ofMillis(300));
    for (int i = 0; i < 5; i++) {
      counting.check().await();
    }
    assertEquals(1, asked.get());
    Thread.sleep(350);
    counting.check().await();
    assertEquals(2, asked.get());
  }

  @Test
  void goodBodyIsParsedAndCounted() throws Exception {
    double before = registrations.count();
    HttpResponse<String> r =
        post(
            "/api/v1/registrations",
            HttpRequest.BodyPublishers.ofString(
                "{\"name\":\"laptop\",\"weight\":2,\"endpoints\":[{\"host\":\"h\",\"port\":1}]}"));
    assertEquals(201, r.statusCode(), r.body());
    assertEquals("laptop", new JsonObject(r.body()).getString("name"));
    assertEquals(before + 1, registrations.count());
  }

  @Test
  void badFieldIs400NamingTheField() throws Exception {
    JsonObject e =
        error(
            post(
                "/api/v1/registrations",
                HttpRequest.BodyPublishers.ofString(
                    "{\"name\":\"x\",\"weight\":1,\"endpoints\":[{\"host\":\"h\",\"port\":1},"
                        + "{\"host\":\"h\",\"port\":\"eighty\"}]}")));
    assertEquals("BAD_REQUEST", e.getString("code"));
    assertEquals("endpoints[1].port", e.getString("field"));
    assertEquals("Expected an integer.", e.getString("message"));
  }

  @Test
  void unknownFieldMalformedJsonAndConstructorChecksAre400() throws Exception {
    HttpResponse<String> unknown =
        post(
            "/api/v1/registrations",
            HttpRequest.BodyPublishers.ofString("{\"name\":\"x\",\"weight\":1,\"wieght\":1}"));
    assertEquals(400, unknown.statusCode());
    assertEquals("wieght", error(unknown).getString("field"));
    JsonObject malformed =
        error(post("/api/v1/registrations", HttpRequest.BodyPublishers.ofString("{\"name\":")));
    assertEquals("BAD_REQUEST", malformed.getString("code"));
    assertTrue(malformed.getString("message").startsWith("Malformed JSON at line 1"));
    JsonObject negative =
        error(
            post(
                "/api/v1/registrations",
                HttpRequest.BodyPublishers.ofString("{\"name\":\"x\",\"weight\":-1}")));
    assertEquals("weight must not be negative", negative.getString("message"));
    JsonObject empty = error(post("/api/v1/registrations", HttpRequest.BodyPublishers.noBody()));
    assertEquals("A JSON request body is required.", empty.getString("message"));
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    HttpResponse<String> r =
        post("/api/v1/registrations", HttpRequest.BodyPublishers.ofString("x".repeat(5000)));
    assertEquals(413, r.statusCode());
    assertEquals("BODY_TOO_LARGE", error(r).getString("code"));
    // Chunked (no Content-Length): the limit is enforced while the body streams in.
    HttpResponse<String> chunked =
        post(
            "/api/v1/registrations",
            HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(new byte[64 * 1024])));
    assertEquals(413, chunked.statusCode());
  }

  @Test
  void oversizedContentLengthIsRejectedBeforeTheBodyIsSent() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 1000000000\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertEquals("HTTP/1.1 413", head);
    }
  }

  @Test
  void unexpectedExceptionIs500WithAnErrorIdAndNoInternals() throws Exception {
    HttpResponse<String> r = get("/api/v1/boom");
    assertEquals(500, r.statusCode());
    JsonObject e = error(r);
    assertEquals("INTERNAL", e.getString("code"));
    assertEquals(8, e.getString("errorId").length());
    assertTrue(e.getString("message").contains(e.getString("errorId")));
    assertFalse(r.body().contains("secret"), r.body());
    assertFalse(r.body().contains("IllegalStateException"), r.body());
  }

  @Test
  void registryCodesUnmatchedRoutesAndWrongMethodsUseTheErrorShape() throws Exception {
    HttpResponse<String> nodes = get("/api/v1/nodes/n1");
    assertEquals(404, nodes.statusCode());
    assertEquals("NODE_NOT_FOUND", error(nodes).getString("code"));
    HttpResponse<String> nowhere = get("/no/such/route");
    assertEquals(404, nowhere.statusCode());
    assertEquals("NOT_FOUND", error(nowhere).getString("code"));
    HttpResponse<String> method =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/boom")).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, method.statusCode());
    assertEquals("METHOD_NOT_ALLOWED", error(method).getString("code"));
  }

  @Test
  void bearerTokenIsExtractedAndRedacted() throws Exception {
    HttpResponse<String> none = get("/api/v1/whoami");
    assertEquals(401, none.statusCode());
    assertEquals("UNAUTHENTICATED", error(none).getString("code"));
    assertEquals("Bearer", none.headers().firstValue("www-authenticate").orElse(""));
    HttpResponse<String> basic = get("/api/v1/whoami", "Authorization", "Basic dXNlcjpwYXNz");
    assertEquals(401, basic.statusCode());
    HttpResponse<String> ok = get("/api/v1/whoami", "Authorization", "Bearer tok-123.abc");
    assertEquals(200, ok.statusCode());
    assertEquals("tok-123.abc", lastToken.get());
    assertEquals("BearerToken[redacted]", new JsonObject(ok.body()).getString("seen"));
  }

  @Test
  void metricsAreprometheusTextWithJvmVertxAndCustomMeters() throws Exception {
    post("/api/v1/registrations", HttpRequest.BodyPublishers.ofString("{\"name\":\"m\"}"));
    HttpResponse<String> r = get("/metrics");
    assertEquals(200, r.statusCode());
    String text = r.body();
    assertTrue(text.contains("# TYPE jvm_memory_used_bytes gauge"), "JVM memory");
    assertTrue(text.contains("process_cpu_usage"), "process CPU");
    assertTrue(text.contains("trellis_test_registrations_total{service=\"test\"}"), "custom");
    assertTrue(text.contains("vertx_http_server_requests_total"), "Vert.x HTTP server");
  }
}
