package dev.trellis.runtime.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import dev.trellis.kafka.embedded.EmbeddedKafka;
import dev.trellis.kafka.embedded.EmbeddedKafkaOptions;
import dev.trellis.runtime.config.Settings;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.EventLogOptions;
import dev.trellis.runtime.metrics.PrometheusMetrics;
import dev.trellis.runtime.state.EmbeddedMember;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that misbehave on a service host's HTTP port are cut off within the configured bounds
 * (short ones here; real sockets against the real host): headers trickled byte by byte, a
 * connection that never speaks, an idle keep-alive connection, a body that never completes, and
 * more connections from one address than allowed; each is counted in /metrics, and a client that
 * behaves is not affected.
 */
class ConnectionLimitsTest {
  private static final long HEADER_MS = 600;
  private static final long IDLE_MS = 900;
  private static final long BODY_MS = 600;

  /** Slack for a shared, loaded machine: the bound plus this, never "forever". */
  private static final long SLACK_MS = 2_500;

  @TempDir static Path kafkaDir;
  static EmbeddedKafka kafka;
  static HazelcastInstance hazelcast;
  static PrometheusMetrics metrics;
  static Vertx vertx;
  static EventLog eventLog;
  static ServiceHost host;

  @BeforeAll
  static void start() throws Exception {
    kafka = new EmbeddedKafka(EmbeddedKafkaOptions.of(kafkaDir));
    String bootstrap = kafka.start();
    int hzPort;
    try (ServerSocket s = new ServerSocket(0)) {
      hzPort = s.getLocalPort();
    }
    Settings settings =
        Settings.parse(
            new String[] {
              "--http-host", "127.0.0.1",
              "--http-port", "0",
              "--metrics-listen", "127.0.0.1:0",
              "--hazelcast-port", "" + hzPort,
              "--hazelcast-cluster", "limits-" + UUID.randomUUID(),
              "--http-header-timeout", HEADER_MS + "ms",
              "--http-idle-timeout", IDLE_MS + "ms",
              "--http-body-timeout", BODY_MS + "ms",
              "--max-connections-per-source", "4"
            },
            Map.of());
    hazelcast = EmbeddedMember.start(settings);
    metrics = PrometheusMetrics.create("limits-test");
    vertx = VertxSetup.create(metrics);
    eventLog =
        EventLog.connect(
                vertx,
                EventLogOptions.of(bootstrap, "limits-test")
                    .withPartitions(1)
                    .withConnectDeadline(Duration.ofSeconds(30)))
            .await();
    TrellisService echo =
        new TrellisService() {
          @Override
          public String name() {
            return "echo";
          }

          @Override
          public List<String> topics() {
            return List.of();
          }

          @Override
          public Future<Void> start(ServiceContext ctx) {
            ctx.router().post("/api/v1/echo").handler(c -> c.response().end(c.body().asString()));
            return Future.succeededFuture();
          }
        };
    host =
        ServiceHost.start(
                new Infrastructure(vertx, settings, hazelcast, eventLog, metrics), List.of(echo))
            .await();
  }

  @AfterAll
  static void stop() {
    if (host != null) {
      host.stop().await();
    }
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
  }

  private static Socket connect() throws IOException {
    Socket s = new Socket("127.0.0.1", host.httpPort());
    s.setSoTimeout((int) (IDLE_MS + HEADER_MS + SLACK_MS + 5_000));
    return s;
  }

  /** Reads until the server closes the connection; how long that took from {@code since}. */
  private static long closedAfter(Socket s, long since) throws IOException {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[4096];
    try {
      while (in.read(buf) >= 0) {
        // a response, if any, then the close
      }
    } catch (SocketException e) {
      // reset: closed too
    }
    return (System.nanoTime() - since) / 1_000_000;
  }

  private static void assertClosedWithin(long tookMs, long boundMs, String what) {
    assertTrue(
        tookMs >= boundMs - 100 && tookMs < boundMs + SLACK_MS,
        what + ": closed after " + tookMs + " ms, bound " + boundMs + " ms");
  }

  /**
   * One client for every scrape: a new client per call left its idle keep-alive connections open
   * until collected, and the test's own scrapes then used up the per-source limit of the metrics
   * listener.
   */
  private static final HttpClient SCRAPER = HttpClient.newHttpClient();

  private static String metricsText() throws Exception {
    return SCRAPER
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + host.metricsPort() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static double counted(String text, String meter, String reason) {
    for (String line : text.lines().toList()) {
      if (line.startsWith(meter + "{")
          && line.contains("listener=\"http\"")
          && line.contains("reason=\"" + reason + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  @Test
  void headersTrickledByteByByteAreCutOffAtTheHeaderTimeout() throws Exception {
    try (Socket s = connect()) {
      long opened = System.nanoTime();
      OutputStream out = s.getOutputStream();
      Thread trickle =
          Thread.ofVirtual()
              .start(
                  () -> {
                    byte[] request =
                        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "
                            .getBytes(StandardCharsets.US_ASCII);
                    try {
                      for (int i = 0; ; i++) {
                        out.write(request[Math.min(i, request.length - 1)]);
                        out.flush();
                        Thread.sleep(50);
                      }
                    } catch (IOException | InterruptedException e) {
                      // the server closed the connection
                    }
                  });
      assertClosedWithin(closedAfter(s, opened), HEADER_MS, "slowloris");
      trickle.interrupt();
    }
  }

  @Test
  void aConnectionThatNeverSpeaksIsClosedAtTheHeaderTimeout() throws Exception {
    try (Socket s = connect()) {
      assertClosedWithin(closedAfter(s, System.nanoTime()), HEADER_MS, "silent connection");
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAtTheIdleTimeoutAndABusyOneIsNot() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      // Three requests, each a little apart but within the idle timeout: the connection stays.
      for (int i = 0; i < 3; i++) {
        out.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead(in);
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        Thread.sleep(IDLE_MS / 3);
      }
      long answered = System.nanoTime();
      assertClosedWithin(closedAfter(s, answered), IDLE_MS - IDLE_MS / 3, "idle keep-alive");
    }
  }

  @Test
  void aBodyThatNeverCompletesIsCutOffAtTheBodyTimeout() throws Exception {
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /api/v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 1000\r\n\r\n{\"partial\":")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertClosedWithin(closedAfter(s, System.nanoTime()), BODY_MS, "slow body");
    }
  }

  @Test
  void connectionsBeyondTheLimitPerSourceAreClosedAtOnce() throws Exception {
    // The four held connections are themselves closed at the header timeout; on a loaded machine
    // the server may get to them before it accepts the fifth, which is then rightly let in. An
    // attempt where the server kept all four open must refuse the fifth at once; a few attempts
    // tell a stall from a missing limit, which fails every one.
    List<Long> lived = new ArrayList<>();
    for (int attempt = 0; attempt < 4; attempt++) {
      long took = extraConnectionLifetime();
      if (took < HEADER_MS / 2) {
        break;
      }
      lived.add(took);
      Thread.sleep(HEADER_MS + 200);
    }
    assertTrue(lived.size() < 4, "the extra connection was never refused; it lived " + lived);
    // A well-behaved client is served once the others are gone.
    Thread.sleep(200);
    try (Socket s = connect()) {
      s.getOutputStream()
          .write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(readHead(s.getInputStream()).startsWith("HTTP/1.1 200"));
    }
  }

  /** Holds four connections, waits until the server counts them, then times a fifth. */
  private static long extraConnectionLifetime() throws Exception {
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        held.add(connect());
      }
      long deadline = System.nanoTime() + HEADER_MS * 1_000_000 / 2;
      while (openConnections() < 4 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      try (Socket extra = connect()) {
        return closedAfter(extra, System.nanoTime());
      }
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  private static double openConnections() throws Exception {
    for (String line : metricsText().lines().toList()) {
      if (line.startsWith("trellis_connections_open{") && line.contains("listener=\"http\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  @Test
  void closesAndRefusalsAreCounted() throws Exception {
    aConnectionThatNeverSpeaksIsClosedAtTheHeaderTimeout();
    connectionsBeyondTheLimitPerSourceAreClosedAtOnce();
    aBodyThatNeverCompletesIsCutOffAtTheBodyTimeout();
    String text = metricsText();
    assertTrue(counted(text, "trellis_connections_closed_total", "header_timeout") >= 1, text);
    assertTrue(counted(text, "trellis_connections_closed_total", "body_timeout") >= 1, text);
    assertTrue(counted(text, "trellis_connections_refused_total", "per_source_limit") >= 1, text);
    assertTrue(text.contains("trellis_connections_open{"), "the open-connections gauge");
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int contentLength = 0;
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the response head: " + head);
      }
      head.append((char) b);
    }
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        contentLength = Integer.parseInt(line.substring(15).strip());
      }
    }
    in.readNBytes(contentLength);
    return head.toString();
  }
}
