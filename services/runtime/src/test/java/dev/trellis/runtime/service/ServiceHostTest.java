package dev.trellis.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.StringValue;
import com.hazelcast.core.HazelcastInstance;
import dev.trellis.kafka.embedded.EmbeddedKafka;
import dev.trellis.kafka.embedded.EmbeddedKafkaOptions;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.EventLogOptions;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.LoggedEvent;
import dev.trellis.runtime.http.JsonBodies;
import dev.trellis.runtime.http.ReadinessCheck;
import dev.trellis.runtime.metrics.PrometheusMetrics;
import dev.trellis.runtime.projection.Projection;
import dev.trellis.runtime.projection.ProjectionMaps;
import dev.trellis.runtime.state.EmbeddedMember;
import dev.trellis.testkit.LogCapture;
import dev.trellis.testkit.tag.IntegrationTest;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host over a real Kafka broker, a real Hazelcast member and a real HTTP server. */
@IntegrationTest
class ServiceHostTest {
  static final String BLOCKED_CHECKER = "io.vertx.core.impl.BlockedThreadChecker";
  @TempDir static Path kafkaDir;
  static EmbeddedKafka kafka;
  static HazelcastInstance hazelcast;
  static PrometheusMetrics metrics;
  static Vertx vertx;
  static EventLog eventLog;
  static LogCapture blocked;
  static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final List<String> stopped = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void infrastructure() throws Exception {
    blocked = LogCapture.of(BLOCKED_CHECKER);
    kafka = new EmbeddedKafka(EmbeddedKafkaOptions.of(kafkaDir));
    String bootstrap = kafka.start();
    int hzPort;
    try (ServerSocket s = new ServerSocket(0)) {
      hzPort = s.getLocalPort();
    }
    hazelcast =
        EmbeddedMember.start(
            Settings.parse(
                new String[] {
                  "--hazelcast-port",
                  "" + hzPort,
                  "--hazelcast-cluster",
                  "host-" + UUID.randomUUID()
                },
                Map.of()));
    metrics = PrometheusMetrics.create("host-test");
    // Stricter than production: an event-loop task over 300 ms is reported (checked every 50 ms).
    // Not lower: this machine's 2 cores are shared, and a scheduling hiccup is not a bug.
    vertx = VertxSetup.create(metrics, Duration.ofMillis(300), Duration.ofMillis(50));
    eventLog =
        EventLog.connect(
                vertx,
                EventLogOptions.of(bootstrap, "host-test")
                    .withPartitions(1)
                    .withConnectDeadline(Duration.ofSeconds(30)))
            .await();
  }

  @AfterAll
  static void shutdown() {
    if (eventLog != null) {
      eventLog.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    if (hazelcast != null) {
      hazelcast.shutdown();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    blocked.close();
  }

  @BeforeEach
  void reset() {
    stopped.clear();
  }

  static Infrastructure infra(String... extraArgs) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--http-host", "127.0.0.1", "--http-port", "0", "--metrics-listen", "127.0.0.1:0"));
    args.addAll(List.of(extraArgs));
    return new Infrastructure(
        vertx, Settings.parse(args.toArray(String[]::new), Map.of()), hazelcast, eventLog, metrics);
  }

  /** A service with a JSON route, a counter, a readiness check and a start it can hold open. */
  static final class EchoService implements TrellisService {
    final String name;
    final String topic = "trellis.test.echo-" + UUID.randomUUID();
    final Promise<Void> release = Promise.promise();
    final AtomicBoolean warm = new AtomicBoolean(true);

    EchoService(String name) {
      this.name = name;
    }

    record Echo(String text) {}

    @Override
    public String name() {
      return name;
    }

    @Override
    public List<String> topics() {
      return List.of(topic);
    }

    @Override
    public Future<Void> start(ServiceContext ctx) {
      var lastEcho = ctx.hazelcast().<String, String>getMap(name);
      Counter echoes =
          Counter.builder("trellis_echo_requests").tag("svc", name).register(ctx.meters());
      ctx.router()
          .post("/api/v1/" + name)
          .handler(
              rc -> {
                Echo echo = JsonBodies.read(rc, Echo.class);
                echoes.increment();
                // The HazelcastInstance is shared state; touch it on the request path.
                lastEcho.putAsync("last", echo.text());
                JsonBodies.reply(rc, 200, echo);
              });
      ctx.ready(name, "warm", ReadinessCheck.when(warm::get, "cache cold"));
      return release.future();
    }

    @Override
    public Future<Void> stop() {
      stopped.add(name);
      return Future.succeededFuture();
    }
  }

  static HttpResponse<String> echo(int port, int i) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/gamma"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"warm " + i + "\"}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void vertxRunsOnNettysEpollTransport() {
    // the runtime ships Netty's epoll transport for Linux x86-64, and VertxSetup prefers it
    org.junit.jupiter.api.Assumptions.assumeTrue(
        "amd64".equals(System.getProperty("os.arch"))
            && System.getProperty("os.name").startsWith("Linux"));
    org.junit.jupiter.api.Assertions.assertTrue(
        ((io.vertx.core.internal.VertxInternal) vertx).isNativeTransportEnabled(),
        "native transport: "
            + ((io.vertx.core.internal.VertxInternal) vertx).unavailableNativeTransportCause());
  }

  @Test
  void readyzFollowsStartupChecksAndShutdownAndStopIsReversed() throws Exception {
    EchoService a = new EchoService("alpha");
    EchoService b = new EchoService("beta");
    a.release.complete();
    ServiceHost host = ServiceHost.create(infra(), List.of(a, b));
    Future<Void> starting = host.start();
    // beta holds its start open: the server is up, /healthz answers, /readyz says "starting".
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (host.httpPort() < 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    int port = host.httpPort();
    assertTrue(port > 0, "the HTTP server listens while services start");
    assertEquals(200, get(port, "/healthz").statusCode());
    HttpResponse<String> starting503 = get(port, "/readyz");
    assertEquals(503, starting503.statusCode());
    assertEquals(
        "starting",
        new JsonObject(starting503.body()).getJsonObject("checks").getString("services"));
    b.release.complete();
    starting.await();
    HttpResponse<String> ready = get(port, "/readyz");
    assertEquals(200, ready.statusCode(), ready.body());
    JsonObject checks = new JsonObject(ready.body()).getJsonObject("checks");
    assertEquals(
        Set.of("services", "hazelcast", "kafka", "alpha/warm", "beta/warm"), checks.fieldNames());
    assertEquals("ok", checks.getString("kafka"));
    b.warm.set(false);
    HttpResponse<String> cold = get(port, "/readyz");
    assertEquals(503, cold.statusCode());
    assertTrue(cold.body().contains("beta/warm: cache cold"), cold.body());
    b.warm.set(true);
    assertEquals(200, get(port, "/readyz").statusCode());
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      assertTrue(topics.containsAll(Set.of(a.topic, b.topic)), topics.toString());
    }
    host.stop().await();
    assertEquals(List.of("beta", "alpha"), stopped);
  }

  @Test
  void aRequestBurstDoesNotBlockAnEventLoopAndMetricsCountIt() throws Exception {
    EchoService echo = new EchoService("gamma");
    echo.release.complete();
    ServiceHost host = ServiceHost.start(infra(), List.of(echo)).await();
    try {
      int port = host.httpPort();
      int metricsPort = host.metricsPort();
      for (int i = 0; i < 20; i++) { // warm-up: first-use class loading is not a blocked loop
        assertEquals(200, echo(port, i).statusCode());
        assertEquals(200, get(metricsPort, "/metrics").statusCode());
      }
      assertEquals(404, get(port, "/metrics").statusCode(), "metrics are not on the API port");
      blocked.clear();
      Semaphore inFlight = new Semaphore(32);
      List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
      for (int i = 0; i < 800; i++) {
        String path = i % 4 == 0 ? "/readyz" : i % 4 == 1 ? "/metrics" : "/api/v1/gamma";
        HttpRequest.Builder request =
            HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + (path.equals("/metrics") ? metricsPort : port) + path));
        if (path.startsWith("/api")) {
          request
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"hi " + i + "\"}"));
        }
        inFlight.acquire();
        burst.add(
            http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .whenComplete((r, e) -> inFlight.release()));
      }
      for (CompletableFuture<HttpResponse<String>> response : burst) {
        HttpResponse<String> r = response.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), r.uri() + " " + r.body());
      }
      Thread.sleep(300); // let the checker run a few more times
      assertEquals(List.of(), blocked.messages(Level.WARN), "no event loop was blocked");
      String text = get(metricsPort, "/metrics").body();
      assertTrue(
          text.contains("trellis_echo_requests_total{service=\"host-test\",svc=\"gamma\"} 420.0"),
          text.lines().filter(l -> l.contains("echo")).toList().toString());
      assertTrue(text.contains("jvm_threads_live_threads"), "JVM metrics");
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (hazelcast.getMap("gamma").get("last") == null && System.nanoTime() < until) {
        Thread.sleep(10);
      }
      assertTrue(
          String.valueOf(hazelcast.getMap("gamma").get("last")).startsWith("hi "),
          "the service wrote to the shared IMap");
    } finally {
      host.stop().await();
    }
  }

  @Test
  void theBlockedThreadCheckCatchesABlockingHandler() throws Exception {
    TrellisService sleepy =
        new TrellisService() {
          @Override
          public String name() {
            return "sleepy";
          }

          @Override
          public List<String> topics() {
            return List.of();
          }

          @Override
          public Future<Void> start(ServiceContext ctx) {
            ctx.router()
                .get("/api/v1/sleepy")
                .handler(
                    rc -> {
                      try {
                        Thread.sleep(1000); // the bug this check exists to catch
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      rc.end("late");
                    });
            return Future.succeededFuture();
          }
        };
    ServiceHost host = ServiceHost.start(infra(), List.of(sleepy)).await();
    try {
      blocked.clear();
      assertEquals(200, get(host.httpPort(), "/api/v1/sleepy").statusCode());
      List<String> warnings = blocked.messages(Level.WARN);
      assertFalse(warnings.isEmpty(), "a 1 s event-loop task must be reported");
      assertTrue(warnings.get(0).contains("has been blocked"), warnings.get(0));
    } finally {
      host.stop().await();
      blocked.clear();
    }
  }

  /** Counts the events of one topic per tailnet, in the map {@code counts}. */
  record CountingProjection(String name, String topic) implements Projection {
    @Override
    public List<String> topics() {
      return List.of(topic);
    }

    @Override
    public void apply(LoggedEvent event, ProjectionMaps maps) {
      maps.<String, Long>map("counts").merge(event.envelope().getTailnetId(), 1L, Long::sum);
    }
  }

  @Test
  void theHostRunsEachServicesPreambleAndReleasesItAfterStop() throws Exception {
    String topic = "trellis.test.preamble-" + UUID.randomUUID();
    CountingProjection counts = new CountingProjection("preamble-" + UUID.randomUUID(), topic);
    AtomicReference<ServiceContext> given = new AtomicReference<>();
    Events events = new Events(java.time.Clock.systemUTC());
    Actor actor = Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("test").build();
    TrellisService zeta =
        new TrellisService() {
          @Override
          public String name() {
            return "zeta";
          }

          @Override
          public List<String> topics() {
            return List.of(topic);
          }

          @Override
          public List<Projection> projections() {
            return List.of(counts);
          }

          @Override
          public Future<Void> start(ServiceContext ctx) {
            given.set(ctx);
            // a command on the host's command threads appends; the host's projections see it
            return ctx.commands()
                .run(
                    () ->
                        CommandThreads.await(
                            ctx.eventLog()
                                .append(
                                    topic,
                                    events
                                        .draft("tn-pre", "n1", actor, StringValue.of("x"))
                                        .build())))
                .compose(appended -> ctx.projections().awaitCaughtUp());
          }
        };
    ServiceHost host = ServiceHost.start(infra(), List.of(zeta)).await();
    try {
      assertEquals(
          1L,
          ProjectionMaps.live(hazelcast, counts.name()).<String, Long>map("counts").get("tn-pre"));
      String text = get(host.metricsPort(), "/metrics").body();
      assertTrue(text.contains("trellis_service_up{service=\"zeta\"} 1.0"), "the up gauge");
    } finally {
      host.stop().await();
    }
    assertThrows(
        RejectedExecutionException.class,
        () -> given.get().commands().run(() -> 1),
        "the command threads are closed once the service stopped");
  }

  @Test
  void aServiceThatFailsToStartFailsTheHostAndStopsTheOthers() {
    EchoService ok = new EchoService("delta");
    ok.release.complete();
    EchoService broken = new EchoService("epsilon");
    broken.release.fail("database on fire");
    Throwable e = failureOf(ServiceHost.start(infra(), List.of(ok, broken)));
    assertTrue(e != null && e.getMessage().contains("service epsilon failed to start"), "" + e);
    assertTrue(e.getMessage().contains("database on fire"), e.getMessage());
    assertEquals(List.of("delta"), stopped, "the started service is stopped again");
  }

  private static Throwable failureOf(Future<?> future) {
    try {
      future.await();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  @Test
  void aStopThatHangsIsBoundedByTheShutdownTimeout() throws Exception {
    TrellisService stuck =
        new TrellisService() {
          @Override
          public String name() {
            return "stuck";
          }

          @Override
          public List<String> topics() {
            return List.of();
          }

          @Override
          public Future<Void> start(ServiceContext ctx) {
            return Future.succeededFuture();
          }

          @Override
          public Future<Void> stop() {
            return Promise.<Void>promise().future(); // never completes
          }

          @Override
          public ThreadingModel threadingModel() {
            return ThreadingModel.VIRTUAL_THREAD;
          }
        };
    ServiceHost host = ServiceHost.start(infra("--shutdown-timeout", "1s"), List.of(stuck)).await();
    long start = System.nanoTime();
    host.stop().await();
    long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertTrue(ms >= 900 && ms < 5000, "stop took " + ms + " ms");
  }
}
