package dev.trellis.load.control;

import com.google.protobuf.ByteString;
import dev.trellis.proto.channel.HandshakeInitiator;
import dev.trellis.proto.channel.HandshakeResult;
import dev.trellis.proto.channel.RecordCodec;
import dev.trellis.proto.control.CapabilityVersion;
import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.HostInfo;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.RegisterRequest;
import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.control.v1.ServerMessage;
import dev.trellis.proto.key.MachinePrivateKey;
import dev.trellis.proto.key.MachinePublicKey;
import dev.trellis.proto.key.NodePrivateKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One simulated device: its own machine and node keys and one real control channel (Vert.x
 * WebSocket, Noise IK handshake, encrypted records). It registers with an auth key, opens its map
 * stream and applies the frames to its own copy of the netmap — the set of peers, kept as a bit set
 * of {@link NodeIds} indexes so ten thousand devices fit in one JVM. It notes when its full netmap
 * arrived and when a watched node was added or removed.
 *
 * <p>Thread-safety: frames are applied on the channel's event loop, one at a time; the figures read
 * by the bench are volatile or atomic.
 */
final class SimDevice {
  final int index;
  final MachinePrivateKey machine = MachinePrivateKey.generate();
  final NodePrivateKey node = NodePrivateKey.generate();
  private final NodeIds ids;
  private final BitSet peers = new BitSet();
  private boolean inParts;
  private WebSocket ws;
  private HandshakeResult session;
  private Promise<RegisterResponse> registered;
  volatile String nodeId = "";
  volatile int peerCount;
  volatile long fullAtNanos;
  volatile long watchAddedAtNanos;
  volatile long watchRemovedAtNanos;
  volatile int watchIndex = -1;
  volatile boolean addArmed;
  volatile int addedIndex = -1;
  volatile long addedAtNanos;
  volatile boolean closed;
  volatile String endedBy = "";
  final AtomicLong bytesIn = new AtomicLong();
  final AtomicLong frames = new AtomicLong();

  SimDevice(int index, NodeIds ids) {
    this.index = index;
    this.ids = ids;
  }

  /** Opens the channel and completes the handshake. */
  Future<SimDevice> connect(
      WebSocketClient client, String host, int port, MachinePublicKey controlKey) {
    HandshakeInitiator init = new HandshakeInitiator(machine, controlKey);
    Promise<SimDevice> ready = Promise.promise();
    return client
        .connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI(path()))
        .compose(
            w -> {
              ws = w;
              w.closeHandler(v -> closed = true);
              w.binaryMessageHandler(
                  b -> {
                    try {
                      if (session == null) {
                        session = init.finish(b.getBytes());
                        ready.tryComplete(this);
                      } else {
                        bytesIn.addAndGet(b.length());
                        onMessage(RecordCodec.openServerMessage(session.cipher(), b.getBytes()));
                      }
                    } catch (Exception e) {
                      ready.tryFail(e);
                      w.close();
                    }
                  });
              try {
                w.writeBinaryMessage(Buffer.buffer(init.start(CapabilityVersion.CURRENT)));
              } catch (Exception e) {
                ready.tryFail(e);
              }
              return ready.future();
            });
  }

  private static String path() {
    return "/control/v1/channel";
  }

  /** Registers with {@code authKey}; completes with the final response. */
  Future<RegisterResponse> register(String authKey) {
    registered = Promise.promise();
    send(
        ClientMessage.newBuilder()
            .setRegister(
                RegisterRequest.newBuilder()
                    .setCapabilityVersion(CapabilityVersion.CURRENT)
                    .setMachineKey(ByteString.copyFrom(machine.publicKey().toBytes()))
                    .setNodeKey(ByteString.copyFrom(node.publicKey().toBytes()))
                    .setAuthKey(authKey)
                    .setHostInfo(HostInfo.newBuilder().setHostname("sim-" + index).setOs("linux")))
            .build());
    return registered.future();
  }

  /** Opens the netmap stream. */
  void stream() {
    send(
        ClientMessage.newBuilder()
            .setMap(
                MapRequest.newBuilder()
                    .setCapabilityVersion(CapabilityVersion.CURRENT)
                    .setNodeKey(ByteString.copyFrom(node.publicKey().toBytes()))
                    .setStream(true)
                    .setEndpointsUnchanged(true))
            .build());
  }

  private void send(ClientMessage m) {
    try {
      synchronized (this) {
        ws.writeBinaryMessage(Buffer.buffer(RecordCodec.seal(session.cipher(), m)));
      }
    } catch (Exception e) {
      throw new IllegalStateException("sim-" + index + ": cannot send: " + e.getMessage(), e);
    }
  }

  /** Closes the channel without waiting. */
  Future<Void> close() {
    return ws == null ? Future.succeededFuture() : ws.close();
  }

  private void onMessage(ServerMessage m) {
    if (m.hasRegister()) {
      RegisterResponse r = m.getRegister();
      if (r.getAuthUrl().isEmpty() && registered != null) {
        if (!r.getNodeId().isEmpty()) {
          nodeId = r.getNodeId();
          ids.index(nodeId);
        }
        registered.tryComplete(r);
      }
      return;
    }
    frames.incrementAndGet();
    synchronized (peers) {
      apply(m.getMap(), System.nanoTime());
    }
  }

  private void apply(MapResponse f, long now) {
    switch (f.getFrameCase()) {
      case FULL -> {
        if (!inParts) {
          peers.clear();
        }
        for (Node p : f.getFull().getPeersList()) {
          add(p.getId(), now);
        }
        inParts = f.getMoreParts(); // a netmap in parts is complete with its last part
        if (!inParts) {
          fullAtNanos = now;
        }
      }
      case PEERS_ADDED -> {
        for (Node p : f.getPeersAdded().getPeersList()) {
          add(p.getId(), now);
        }
      }
      case PEERS_REMOVED -> {
        for (String id : f.getPeersRemoved().getNodeIdsList()) {
          int i = ids.index(id);
          peers.clear(i);
          if (i == watchIndex) {
            watchRemovedAtNanos = now;
          }
        }
      }
      case LOGGED_OUT -> endedBy = "logged_out";
      case REAUTH_REQUIRED -> endedBy = "reauth_required";
      default -> {}
    }
    peerCount = peers.cardinality();
  }

  /** The next PeersAdded is the change being timed: note its time and first peer. */
  void armAdded() {
    addedIndex = -1;
    addedAtNanos = 0;
    addArmed = true;
  }

  private void add(String id, long now) {
    int i = ids.index(id);
    peers.set(i);
    if (addArmed) {
      addArmed = false;
      addedAtNanos = now;
      addedIndex = i;
    }
    if (i == watchIndex) {
      watchAddedAtNanos = now;
    }
  }

  /** Whether this device's netmap holds exactly {@code expected} (as indexes). */
  boolean peersEqual(BitSet expected) {
    synchronized (peers) {
      return peers.equals(expected);
    }
  }
}
