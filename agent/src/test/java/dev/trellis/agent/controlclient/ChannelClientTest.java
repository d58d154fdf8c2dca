package dev.trellis.agent.controlclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.Keepalive;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.ReauthRequired;
import dev.trellis.proto.control.v1.RegisterRequest;
import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.control.v1.ServerMessage;
import dev.trellis.proto.key.MachinePrivateKey;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's channel client against a coordinator stand-in that runs the real shared-proto Noise
 * responder and record codec over a real WebSocket on loopback.
 */
class ChannelClientTest {
  private final TestCoordinator coordinator = new TestCoordinator();
  private final HttpClient http = HttpClient.newHttpClient();
  private final MachinePrivateKey machine = MachinePrivateKey.generate();
  private final ControlServerUrl url = ControlServerUrl.parse(coordinator.url() + "/");

  ChannelClientTest() throws Exception {}

  @AfterEach
  void stop() throws Exception {
    coordinator.close();
  }

  private WebSocketChannel open() throws java.io.IOException, InterruptedException {
    return WebSocketChannel.open(http, url, machine, coordinator.publicKey());
  }

  private static ServerMessage register(RegisterResponse r) {
    return ServerMessage.newBuilder().setRegister(r).build();
  }

  private static ServerMessage map(MapResponse r) {
    return ServerMessage.newBuilder().setMap(r).build();
  }

  @Test
  void fetchesTheKeyAndRegistersInteractively() throws Exception {
    assertEquals(coordinator.publicKey(), new ControlKeyFetcher(http).fetch(url));
    try (WebSocketChannel ch = open()) {
      TestCoordinator.Session s = coordinator.sessions.poll(10, TimeUnit.SECONDS);
      assertEquals(machine.publicKey(), s.machineKey());
      List<String> urls = new CopyOnWriteArrayList<>();
      RegisterRequest req =
          RegisterRequest.newBuilder()
              .setMachineKey(ByteString.copyFrom(machine.publicKey().toBytes()))
              .build();
      CompletableFuture<RegisterResponse> done =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return Registration.run(ch, req, urls::add, Duration.ofSeconds(10));
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      ClientMessage got = s.next();
      assertEquals(req, got.getRegister());
      s.send(register(RegisterResponse.newBuilder().setAuthUrl("http://login/a1").build()));
      s.send(register(RegisterResponse.newBuilder().setAuthUrl("http://login/a1").build()));
      assertEquals(
          "http://login/a1",
          s.next().getRegister().getFollowup(),
          "a repeated auth_url (the server's wait ran out) is answered with a follow-up");
      s.send(map(MapResponse.newBuilder().setKeepalive(Keepalive.getDefaultInstance()).build()));
      s.send(register(RegisterResponse.newBuilder().setNodeId("n1").build()));
      assertEquals("n1", done.get(10, TimeUnit.SECONDS).getNodeId());
      assertEquals(List.of("http://login/a1"), urls);
    }
  }

  @Test
  void aRefusalIsTheFinalAnswer() throws Exception {
    try (WebSocketChannel ch = open()) {
      TestCoordinator.Session s = coordinator.sessions.poll(10, TimeUnit.SECONDS);
      CompletableFuture<RegisterResponse> done =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return Registration.run(
                      ch, RegisterRequest.getDefaultInstance(), u -> {}, Duration.ofSeconds(10));
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      s.next();
      s.send(
          register(
              RegisterResponse.newBuilder()
                  .setErrorCode("AUTH_KEY_EXPIRED")
                  .setErrorMessage("expired")
                  .build()));
      assertEquals("AUTH_KEY_EXPIRED", done.get(10, TimeUnit.SECONDS).getErrorCode());
    }
  }

  @Test
  void aWrongPinnedKeyFailsTheHandshake() {
    var e =
        assertThrows(
            java.io.IOException.class,
            () ->
                WebSocketChannel.open(
                    http, url, machine, MachinePrivateKey.generate().publicKey()));
    assertTrue(e.getMessage().contains("control channel"), e.getMessage());
  }

  @Test
  void aGarbageRecordEndsTheChannel() throws Exception {
    try (WebSocketChannel ch = open()) {
      TestCoordinator.Session s = coordinator.sessions.poll(10, TimeUnit.SECONDS);
      s.sendRaw(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
      assertThrows(ChannelClosedException.class, () -> ch.receive(Duration.ofSeconds(10)));
      assertThrows(ChannelClosedException.class, () -> ch.receive(Duration.ofMillis(10)));
    }
  }

  @Test
  void theMapStreamResumesAfterADropAndEndsOnReauth() throws Exception {
    BlockingQueue<MapResponse> frames = new LinkedBlockingQueue<>();
    List<String> events = new CopyOnWriteArrayList<>();
    long[] version = {0};
    MapStream stream =
        new MapStream(
            this::open,
            () ->
                MapRequest.newBuilder()
                    .setNetmapVersion(version[0])
                    .setResumeToken(version[0] == 0 ? "" : "tok" + version[0])
                    .build(),
            new MapStream.Listener() {
              @Override
              public void onFrame(MapResponse frame) {
                version[0] = frame.getNetmapVersion();
                frames.add(frame);
              }

              @Override
              public void onConnected() {
                events.add("connected");
              }

              @Override
              public void onDisconnected(String why) {
                events.add("disconnected");
              }
            });
    try (stream) {
      stream.start();
      TestCoordinator.Session s1 = coordinator.sessions.poll(10, TimeUnit.SECONDS);
      MapRequest first = s1.next().getMap();
      assertTrue(first.getStream());
      assertEquals(0, first.getNetmapVersion());
      s1.send(
          map(
              MapResponse.newBuilder()
                  .setFull(FullNetmap.newBuilder().setSelf(Node.newBuilder().setId("me")))
                  .setNetmapVersion(3)
                  .build()));
      assertEquals("me", frames.poll(10, TimeUnit.SECONDS).getFull().getSelf().getId());
      assertTrue(stream.report(MapRequest.newBuilder().setEndpointsUnchanged(true).build()));
      MapRequest report = s1.next().getMap();
      assertTrue(!report.getStream() && report.getEndpointsUnchanged());
      s1.drop();
      TestCoordinator.Session s2 =
          coordinator.sessions.poll(45, TimeUnit.SECONDS); // backoff + load
      MapRequest resumed = s2.next().getMap();
      assertEquals(3, resumed.getNetmapVersion());
      assertEquals("tok3", resumed.getResumeToken());
      s2.send(
          map(
              MapResponse.newBuilder()
                  .setReauthRequired(ReauthRequired.newBuilder().setReasonCode("NODE_KEY_EXPIRED"))
                  .setNetmapVersion(4)
                  .build()));
      assertEquals(
          "NODE_KEY_EXPIRED",
          frames.poll(10, TimeUnit.SECONDS).getReauthRequired().getReasonCode());
      Thread.sleep(1500);
      assertEquals(0, coordinator.sessions.size(), "no reconnect after reauth_required");
      assertEquals(List.of("connected", "disconnected", "connected"), events);
    }
  }
}
