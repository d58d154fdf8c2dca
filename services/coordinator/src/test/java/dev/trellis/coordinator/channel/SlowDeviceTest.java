package dev.trellis.coordinator.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.channel.HandshakeInitiator;
import dev.trellis.proto.channel.HandshakeResponder;
import dev.trellis.proto.channel.HandshakeResult;
import dev.trellis.proto.channel.RecordCodec;
import dev.trellis.proto.control.CapabilityVersion;
import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.key.MachinePrivateKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A device that stops reading is dropped once its unwritten bytes would pass the bound (counted),
 * the bytes held for it never pass the bound, and a device that reads is unaffected: real Vert.x
 * server and client over loopback, the real Noise handshake and records.
 */
class SlowDeviceTest {
  private static final long LIMIT = 1 << 20;
  private static final String BIG = "x".repeat(60_000);

  private Vertx vertx;
  private HttpServer server;
  private final MachinePrivateKey control = MachinePrivateKey.generate();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ChannelMetrics metrics = new ChannelMetrics(meters);
  private final List<DeviceChannel> channels = new CopyOnWriteArrayList<>();
  private final AtomicLong maxPending = new AtomicLong();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    DeviceChannel.ChannelHandler flood =
        new DeviceChannel.ChannelHandler() {
          @Override
          public void message(DeviceChannel ch, ClientMessage m) {
            channels.add(ch);
            // Like the model thread: sends from another thread, as fast as it can, 2000 x 60 KB.
            Thread.ofPlatform()
                .start(
                    () -> {
                      MapResponse f =
                          MapResponse.newBuilder()
                              .setFull(FullNetmap.newBuilder().setTailnetName(BIG))
                              .build();
                      for (int i = 0; i < (m.getMap().getStream() ? 2000 : 3); i++) {
                        ch.send(f);
                        maxPending.accumulateAndGet(ch.pendingBytes(), Math::max);
                      }
                    });
          }

          @Override
          public void closed(DeviceChannel ch) {}
        };
    Router router = Router.router(vertx);
    new ChannelRoutes(control.publicKey(), new HandshakeResponder(control), flood, metrics, LIMIT)
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
  }

  private record Client(WebSocket ws, HandshakeResult session, LinkedBlockingQueue<byte[]> in) {}

  private Client connect() throws Exception {
    WebSocket ws = upgrade();
    var init = new HandshakeInitiator(MachinePrivateKey.generate(), control.publicKey());
    CompletableFuture<byte[]> reply = new CompletableFuture<>();
    LinkedBlockingQueue<byte[]> in = new LinkedBlockingQueue<>();
    ws.binaryMessageHandler(
        b -> {
          if (!reply.isDone()) {
            reply.complete(b.getBytes());
          } else {
            in.add(b.getBytes());
          }
        });
    ws.writeBinaryMessage(Buffer.buffer(init.start(CapabilityVersion.CURRENT)));
    return new Client(ws, init.finish(reply.get(10, TimeUnit.SECONDS)), in);
  }

  private WebSocket upgrade() throws Exception {
    return vertx
        .createWebSocketClient(
            new WebSocketClientOptions().setMaxMessageSize(8 << 20).setMaxFrameSize(8 << 20))
        .connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(server.actualPort())
                .setURI("/control/v1/channel"))
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static void send(Client c, boolean stream) throws Exception {
    c.ws()
        .writeBinaryMessage(
            Buffer.buffer(
                RecordCodec.seal(
                    c.session().cipher(),
                    ClientMessage.newBuilder()
                        .setMap(MapRequest.newBuilder().setStream(stream))
                        .build())))
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void aDeviceThatDoesNotReadIsDroppedAndItsBytesStayBounded() throws Exception {
    // The reading device is connected first: its upgrade then never races the teardown of the
    // slow one's flood in this process (client and server share one Vert.x here), which made a
    // fresh upgrade fail now and then once sealing got faster.
    Client good = connect();
    Client slow = connect();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    slow.ws().closeHandler(v -> closed.complete(slow.ws().closeStatusCode()));
    slow.ws().pause(); // reads nothing from now on
    send(slow, true);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (metrics.droppedSlowTotal() < 1 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(1.0, metrics.droppedSlowTotal(), "the slow device is dropped");
    assertTrue(maxPending.get() <= LIMIT, "unwritten bytes bounded: " + maxPending.get());

    send(good, false);
    for (int i = 0; i < 3; i++) {
      byte[] r = good.in().poll(10, TimeUnit.SECONDS);
      assertTrue(r != null, "the reading device gets its frames");
      assertEquals(
          BIG.length(),
          RecordCodec.openServerMessage(good.session().cipher(), r)
              .getMap()
              .getFull()
              .getTailnetName()
              .length());
    }
    assertEquals(1.0, metrics.droppedSlowTotal(), "only the slow one");
    slow.ws().resume();
    assertEquals((short) 1013, closed.get(20, TimeUnit.SECONDS));

    // Every close is counted with its reason: the dropped one as slow, a device's own as device.
    good.ws().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    java.util.Map<String, Double> want = java.util.Map.of("slow", 1.0, "device", 1.0);
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!metrics.closedByReason().equals(want) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(want, metrics.closedByReason());
    assertEquals(0, metrics.open());
  }
}
