package dev.trellis.coordinator.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.channel.HandshakeResponder;
import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.key.MachinePrivateKey;
import dev.trellis.runtime.http.ApiRouter;
import dev.trellis.runtime.logging.ThrottledLog;
import dev.trellis.testkit.LogCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Clients that misbehave on the device channel's door: malformed upgrades are a 400 and a counted,
 * rate-limited WARN (never an ERROR with a stack trace), and a WebSocket that never completes the
 * Noise handshake is closed within the configured bound. Real Vert.x server, real sockets.
 */
class ChannelAbuseTest {
  private static final Duration HANDSHAKE = Duration.ofMillis(1_000);
  private static final Duration IDLE = Duration.ofMillis(1_000);

  private Vertx vertx;
  private HttpServer server;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ChannelMetrics metrics = new ChannelMetrics(meters);
  private LogCapture trellisLog;
  private LogCapture vertxLog;
  private MachinePrivateKey control;

  @BeforeEach
  void start() throws Exception {
    trellisLog = LogCapture.of("dev.trellis");
    vertxLog = LogCapture.of("io.vertx");
    vertx = Vertx.vertx();
    control = MachinePrivateKey.generate();
    DeviceChannel.ChannelHandler ignore =
        new DeviceChannel.ChannelHandler() {
          @Override
          public void message(DeviceChannel ch, ClientMessage m) {}

          @Override
          public void closed(DeviceChannel ch) {}
        };
    Router router = ApiRouter.builder(vertx).build();
    new ChannelRoutes(
            control.publicKey(),
            new HandshakeResponder(control),
            ignore,
            metrics,
            ChannelRoutes.DEFAULT_MAX_PENDING_BYTES,
            HANDSHAKE,
            IDLE)
        .mount(router);
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    trellisLog.close();
    vertxLog.close();
  }

  private String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] head = new byte[12];
      int n = in.readNBytes(head, 0, head.length);
      return new String(head, 0, n, StandardCharsets.US_ASCII);
    }
  }

  @Test
  void malformedUpgradesAre400AndACountedRateLimitedWarnNotAnError() throws Exception {
    String[] malformed = {
      // No Sec-WebSocket-Key or version.
      "GET /control/v1/channel HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
      // An unsupported version.
      "GET /control/v1/channel HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n\r\n",
      // Not an upgrade at all.
      "GET /control/v1/channel HTTP/1.1\r\nHost: x\r\n\r\n",
    };
    for (int i = 0; i < 30; i++) {
      String status = raw(malformed[i % malformed.length]);
      assertTrue(status.startsWith("HTTP/1.1 4"), "attempt " + i + ": " + status);
    }
    assertEquals(java.util.List.of(), trellisLog.messages(Level.ERROR), "an ERROR was logged");
    assertEquals(java.util.List.of(), vertxLog.messages(Level.ERROR), "an ERROR was logged");
    int warnings = trellisLog.messages(Level.WARN).size();
    assertTrue(warnings >= 1 && warnings <= 2, "WARN lines: " + trellisLog.messages(Level.WARN));
    double counted =
        meters.get(ThrottledLog.METER).tag("kind", "channel_upgrade").counter().count();
    assertEquals(30, counted, 0.0);
  }

  @Test
  void aWebSocketThatNeverCompletesTheHandshakeIsClosedInTime() throws Exception {
    // Timed from before the connect: the server's deadline starts after it, so the close can never
    // come sooner than the deadline; a loaded machine may deliver the connect late, not early.
    long started = System.nanoTime();
    WebSocket ws =
        vertx
            .createWebSocketClient()
            .connect(
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(server.actualPort())
                    .setURI("/control/v1/channel"))
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    long connectMs = (System.nanoTime() - started) / 1_000_000;
    CompletableFuture<Short> closed = new CompletableFuture<>();
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    Short code = closed.get(5, TimeUnit.SECONDS);
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertEquals((short) 1008, code);
    assertTrue(
        tookMs >= HANDSHAKE.toMillis() - 50 && tookMs < HANDSHAKE.toMillis() + connectMs + 2_000,
        "closed after " + tookMs + " ms (connect took " + connectMs + " ms)");
    assertEquals(1.0, metrics.closedByReason().get("handshake_timeout"), 0.0);
    assertEquals(0, metrics.open());
  }

  @Test
  void aHandshakenChannelWithoutAStreamThatStaysSilentIsClosedAtTheIdleTimeout() throws Exception {
    WebSocket ws =
        vertx
            .createWebSocketClient()
            .connect(
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(server.actualPort())
                    .setURI("/control/v1/channel"))
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    var init =
        new dev.trellis.proto.channel.HandshakeInitiator(
            MachinePrivateKey.generate(), control.publicKey());
    CompletableFuture<byte[]> reply = new CompletableFuture<>();
    ws.binaryMessageHandler(b -> reply.complete(b.getBytes()));
    CompletableFuture<Short> closed = new CompletableFuture<>();
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    // Timed from before the handshake's first message: the idle deadline is armed after it.
    long sent = System.nanoTime();
    ws.writeBinaryMessage(
        io.vertx.core.buffer.Buffer.buffer(
            init.start(dev.trellis.proto.control.CapabilityVersion.CURRENT)));
    init.finish(reply.get(5, TimeUnit.SECONDS));
    long handshakeMs = (System.nanoTime() - sent) / 1_000_000;
    assertEquals((short) 1000, closed.get(10, TimeUnit.SECONDS));
    long tookMs = (System.nanoTime() - sent) / 1_000_000;
    assertTrue(
        tookMs >= IDLE.toMillis() - 50 && tookMs < IDLE.toMillis() + handshakeMs + 2_000,
        "closed after " + tookMs + " ms (handshake took " + handshakeMs + " ms)");
    assertEquals(1.0, metrics.closedByReason().get("idle"), 0.0);
  }
}
