package dev.trellis.server.join;

import com.google.protobuf.ByteString;
import dev.trellis.proto.channel.HandshakeInitiator;
import dev.trellis.proto.channel.HandshakeResult;
import dev.trellis.proto.channel.RecordCodec;
import dev.trellis.proto.control.CapabilityVersion;
import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.Endpoint;
import dev.trellis.proto.control.v1.HostInfo;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.RegisterRequest;
import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.control.v1.ServerMessage;
import dev.trellis.proto.key.MachinePrivateKey;
import dev.trellis.proto.key.MachinePublicKey;
import dev.trellis.proto.key.NodePrivateKey;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A simulated device for the join tests: its own machine and node keys, one channel to the server
 * (real Noise handshake, real records over a Vert.x WebSocket), registration and the map stream.
 * Every ServerMessage lands in {@link #inbox} with its arrival time; map frames also update {@link
 * #version} and {@link #token} as an agent would for resuming.
 *
 * <p>Thread-safety: driven by one test thread; frames arrive on Vert.x threads into a queue.
 */
final class DeviceClient {
  /** A message and when it arrived ({@link System#nanoTime}). */
  record Received(ServerMessage message, long atNanos) {}

  final MachinePrivateKey machine;
  final NodePrivateKey node = NodePrivateKey.generate();
  final String hostname;
  final BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
  volatile long version;
  volatile String token = "";
  String nodeId;
  private final Vertx vertx;
  private final int port;
  private final MachinePublicKey controlKey;
  private WebSocket ws;
  // Held: Vert.x closes an unreachable client's connections (a GC'd client dropped channels).
  private WebSocketClient client;
  private HandshakeResult session;
  CompletableFuture<Short> closed;

  DeviceClient(Vertx vertx, int port, MachinePublicKey controlKey, String hostname) {
    this.vertx = vertx;
    this.port = port;
    this.controlKey = controlKey;
    this.hostname = hostname;
    this.machine = MachinePrivateKey.generate();
  }

  /** Opens a new channel (after a drop, the old one is gone). */
  DeviceClient connect() throws Exception {
    client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions().setMaxMessageSize(8 << 20).setMaxFrameSize(8 << 20));
    WebSocket w =
        client
            .connect(
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(port)
                    .setURI("/control/v1/channel"))
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    var init = new HandshakeInitiator(machine, controlKey);
    CompletableFuture<HandshakeResult> ready = new CompletableFuture<>();
    CompletableFuture<Short> done = new CompletableFuture<>();
    w.binaryMessageHandler(
        b -> {
          try {
            if (!ready.isDone()) {
              ready.complete(init.finish(b.getBytes()));
              return;
            }
            ServerMessage m = RecordCodec.openServerMessage(ready.join().cipher(), b.getBytes());
            if (m.hasMap()) {
              MapResponse f = m.getMap();
              if (!f.getResumeToken().isEmpty()) {
                token = f.getResumeToken();
              }
              version = f.getNetmapVersion();
            }
            inbox.add(new Received(m, System.nanoTime()));
          } catch (Exception e) {
            ready.completeExceptionally(e);
            w.close();
          }
        });
    w.closeHandler(v -> done.complete(w.closeStatusCode()));
    w.writeBinaryMessage(Buffer.buffer(init.start(CapabilityVersion.CURRENT)));
    session = ready.get(10, TimeUnit.SECONDS);
    ws = w;
    closed = done;
    return this;
  }

  void send(ClientMessage m) throws Exception {
    sendRaw(RecordCodec.seal(session.cipher(), m));
  }

  void sendRaw(byte[] record) throws Exception {
    ws.writeBinaryMessage(Buffer.buffer(record))
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  /** Seals arbitrary plaintext (not a ClientMessage) as the next record. */
  byte[] sealPlain(byte[] plaintext) throws Exception {
    return session.cipher().seal(plaintext);
  }

  RegisterRequest.Builder registerRequest() {
    return RegisterRequest.newBuilder()
        .setCapabilityVersion(CapabilityVersion.CURRENT)
        .setMachineKey(ByteString.copyFrom(machine.publicKey().toBytes()))
        .setNodeKey(ByteString.copyFrom(node.publicKey().toBytes()))
        .setHostInfo(HostInfo.newBuilder().setHostname(hostname).setOs("linux"));
  }

  /** Registers with {@code authKey}; returns the final response (node id or error). */
  RegisterResponse register(String authKey) throws Exception {
    send(ClientMessage.newBuilder().setRegister(registerRequest().setAuthKey(authKey)).build());
    RegisterResponse r =
        next(m -> m.hasRegister() && m.getRegister().getAuthUrl().isEmpty(), 30)
            .message()
            .getRegister();
    if (!r.getNodeId().isEmpty()) {
      nodeId = r.getNodeId();
    }
    return r;
  }

  /** Opens the map stream (resuming with the token and version held, if {@code resume}). */
  void stream(boolean resume) throws Exception {
    MapRequest.Builder m =
        MapRequest.newBuilder()
            .setCapabilityVersion(CapabilityVersion.CURRENT)
            .setNodeKey(ByteString.copyFrom(node.publicKey().toBytes()))
            .setStream(true)
            .setEndpointsUnchanged(true);
    if (resume) {
      m.setResumeToken(token).setNetmapVersion(version);
    }
    send(ClientMessage.newBuilder().setMap(m).build());
  }

  /** Reports endpoints without (re)starting the stream. */
  void reportEndpoints(String... addresses) throws Exception {
    MapRequest.Builder m =
        MapRequest.newBuilder()
            .setCapabilityVersion(CapabilityVersion.CURRENT)
            .setNodeKey(ByteString.copyFrom(node.publicKey().toBytes()))
            .setStream(false);
    for (String a : addresses) {
      m.addEndpoints(Endpoint.newBuilder().setAddress(a));
    }
    send(ClientMessage.newBuilder().setMap(m).build());
  }

  /** The next message matching {@code want} within {@code seconds}; others are skipped. */
  Received next(Predicate<ServerMessage> want, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<ServerMessage> skipped = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      Received r = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
      if (r == null) {
        throw new AssertionError(
            hostname + ": no matching message within " + seconds + " s; skipped " + skipped);
      }
      if (want.test(r.message())) {
        return r;
      }
      skipped.add(r.message());
    }
  }

  /** The next map frame matching {@code want}. */
  MapResponse frame(Predicate<MapResponse> want, int seconds) throws InterruptedException {
    return next(m -> m.hasMap() && want.test(m.getMap()), seconds).message().getMap();
  }

  /** Everything received so far, without waiting. */
  List<ServerMessage> drain() {
    List<Received> all = new ArrayList<>();
    inbox.drainTo(all);
    return all.stream().map(Received::message).toList();
  }

  /** Starts closing the channel from the device side, without waiting. */
  io.vertx.core.Future<Void> closeAsync() {
    return ws.close();
  }

  /** Closes the channel from the device side and waits until it is closed. */
  void drop() throws Exception {
    ws.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    closed.get(10, TimeUnit.SECONDS);
  }
}
