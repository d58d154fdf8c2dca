package dev.trellis.load.control;

import com.google.protobuf.ByteString;
import dev.trellis.proto.channel.HandshakeInitiator;
import dev.trellis.proto.channel.HandshakeResult;
import dev.trellis.proto.channel.RecordCodec;
import dev.trellis.proto.control.CapabilityVersion;
import dev.trellis.proto.control.v1.ClientMessage;
import dev.trellis.proto.control.v1.Endpoint;
import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.HostInfo;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PeerPatch;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One simulated device: its own machine and node keys and one real control channel (Vert.x
 * WebSocket, Noise IK handshake, encrypted records). It registers with an auth key, opens its map
 * stream and applies every frame to its own {@link NetmapCopy} (all frame kinds, in {@link
 * #apply}), checks that each frame advances the netmap version by one, and keeps the digests of its
 * last states so a full netmap fetched a moment later can be matched. Like the agent it reports
 * endpoints ({@code MapRequest{stream=false}}), goes offline by closing its channel and comes back
 * by reconnecting and resuming its stream (resume token + last version), and can log out.
 *
 * <p>Thread-safety: frames are applied on the channel's event loop, one at a time, under {@code
 * lock}; the figures read by the harness are volatile or atomic.
 */
final class SimDevice {
  /** Called after each applied frame, on the channel's event loop, under the device's lock. */
  interface FrameObserver {
    void applied(SimDevice d, MapResponse frame, long nanos);
  }

  private static final int RING = 256;

  final int index;
  final MachinePrivateKey machine;
  final NodePrivateKey node;
  private final NodeIds ids;
  private final Object lock = new Object();
  private final NetmapCopy netmap;
  private final long[] digests = new long[RING];
  private int digestCount;
  private long netmapVersion;
  private String resumeToken = "";
  private boolean inParts; // guarded by lock: a full netmap's parts are arriving
  private volatile WebSocket ws;
  private volatile HandshakeResult session;
  private Promise<RegisterResponse> registered;
  volatile FrameObserver observer;
  volatile String nodeId = "";
  volatile int peerCount;
  volatile long fullAtNanos;
  volatile boolean closed;

  /**
   * The channel was closed by the other side (the coordinator died or dropped it), not by {@link
   * #close()}: the harness's reconnect logic brings such a device back. Cleared by a new channel.
   */
  volatile boolean dropped;

  /** The coordinator (index in the fleet's list) the current channel went to, or -1. */
  volatile int via = -1;

  /** The coordinator to try first (index in the fleet's list), or -1 for this device's own. */
  volatile int preferred = -1;

  volatile long closedAtNanos;
  volatile long streamSentAtNanos;
  volatile long registerSentAtNanos;
  volatile long logoutSentAtNanos;
  volatile String endedBy = "";
  final AtomicLong bytesIn = new AtomicLong();
  final AtomicLong frames = new AtomicLong();
  final AtomicLong versionErrors = new AtomicLong();

  /** Patches for a peer this device does not have: a wrong delta. */
  final AtomicLong unknownPatches = new AtomicLong();

  /** Record bytes and frames received, by {@link MapResponse.FrameCase} ordinal. */
  final AtomicLongArray bytesByKind = new AtomicLongArray(MapResponse.FrameCase.values().length);

  final AtomicLongArray framesByKind = new AtomicLongArray(MapResponse.FrameCase.values().length);

  SimDevice(int index, NodeIds ids) {
    this(index, ids, MachinePrivateKey.generate(), NodePrivateKey.generate());
  }

  private SimDevice(int index, NodeIds ids, MachinePrivateKey machine, NodePrivateKey node) {
    this.index = index;
    this.ids = ids;
    this.machine = machine;
    this.node = node;
    this.netmap = new NetmapCopy(ids);
  }

  /** A second device with the same keys (a fresh stream of the same node, for a full fetch). */
  SimDevice twin() {
    SimDevice t = new SimDevice(index, ids, machine, node);
    t.nodeId = nodeId;
    t.preferred = via; // the instance holding this device's stream, so presence stays there
    return t;
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
              session = null;
              closed = false;
              dropped = false;
              w.closeHandler(
                  v -> {
                    if (ws == w) {
                      if (!closed) {
                        dropped = true; // not closed by close(): the server side went away
                      }
                      closed = true;
                      closedAtNanos = System.nanoTime();
                    }
                  });
              w.binaryMessageHandler(
                  b -> {
                    try {
                      if (session == null) {
                        session = init.finish(b.getBytes());
                        ready.tryComplete(this);
                      } else {
                        bytesIn.addAndGet(b.length());
                        onMessage(
                            RecordCodec.openServerMessage(session.cipher(), b.getBytes()),
                            b.length());
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
    return register(authKey, false);
  }

  /** Registers with {@code authKey} (asking to be ephemeral or not). */
  Future<RegisterResponse> register(String authKey, boolean ephemeral) {
    registered = Promise.promise();
    registerSentAtNanos = System.nanoTime();
    send(
        ClientMessage.newBuilder()
            .setRegister(
                RegisterRequest.newBuilder()
                    .setCapabilityVersion(CapabilityVersion.CURRENT)
                    .setMachineKey(ByteString.copyFrom(machine.publicKey().toBytes()))
                    .setNodeKey(ByteString.copyFrom(node.publicKey().toBytes()))
                    .setAuthKey(authKey)
                    .setEphemeral(ephemeral)
                    .setHostInfo(HostInfo.newBuilder().setHostname("sim-" + index).setOs("linux")))
            .build());
    return registered.future();
  }

  /** Logs out (an ephemeral node is then removed); the answer is not awaited. */
  void logout() {
    logoutSentAtNanos = System.nanoTime();
    send(
        ClientMessage.newBuilder()
            .setRegister(
                RegisterRequest.newBuilder()
                    .setCapabilityVersion(CapabilityVersion.CURRENT)
                    .setMachineKey(ByteString.copyFrom(machine.publicKey().toBytes()))
                    .setNodeKey(ByteString.copyFrom(node.publicKey().toBytes()))
                    .setLogout(true))
            .build());
  }

  /** Opens the netmap stream (fresh, without resume). */
  void stream() {
    streamSentAtNanos = System.nanoTime();
    send(mapRequest(true, "", 0));
  }

  /** Opens the netmap stream on a new channel, resuming from the last applied version. */
  void resume() {
    String token;
    long version;
    synchronized (lock) {
      token = resumeToken;
      version = netmapVersion;
    }
    streamSentAtNanos = System.nanoTime();
    send(mapRequest(true, token, version));
  }

  /**
   * While registered and not yet streaming: a report with nothing new ({@code stream=false},
   * endpoints unchanged), which appends no event but shows the coordinator the channel is alive.
   */
  void touchIfIdle() {
    if (streamSentAtNanos == 0 && !closed && session != null && !nodeId.isEmpty()) {
      try {
        send(mapRequest(false, "", 0));
      } catch (IllegalStateException e) {
        // the channel closed meanwhile: the stream phase reconnects it
      }
    }
  }

  /** Reports new endpoints on the open stream, as the agent does ({@code stream=false}). */
  void reportEndpoints(List<Endpoint> endpoints) {
    send(
        ClientMessage.newBuilder()
            .setMap(
                MapRequest.newBuilder()
                    .setCapabilityVersion(CapabilityVersion.CURRENT)
                    .setNodeKey(ByteString.copyFrom(node.publicKey().toBytes()))
                    .addAllEndpoints(endpoints)
                    .setStream(false))
            .build());
  }

  private ClientMessage mapRequest(boolean stream, String token, long version) {
    return ClientMessage.newBuilder()
        .setMap(
            MapRequest.newBuilder()
                .setCapabilityVersion(CapabilityVersion.CURRENT)
                .setNodeKey(ByteString.copyFrom(node.publicKey().toBytes()))
                .setStream(stream)
                .setResumeToken(token)
                .setNetmapVersion(version)
                .setEndpointsUnchanged(true))
        .build();
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
    closed = true;
    closedAtNanos = System.nanoTime();
    WebSocket w = ws;
    return w == null ? Future.succeededFuture() : w.close();
  }

  private void onMessage(ServerMessage m, int bytes) {
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
    MapResponse f = m.getMap();
    int kind = f.getFrameCase().ordinal();
    bytesByKind.addAndGet(kind, bytes);
    framesByKind.incrementAndGet(kind);
    synchronized (lock) {
      long now = System.nanoTime();
      apply(f, now);
      FrameObserver o = observer;
      if (o != null) {
        o.applied(this, f, now);
      }
    }
  }

  /** Applies one frame to the netmap copy (the one place frames are interpreted). */
  private void apply(MapResponse f, long now) {
    if (!f.hasKeepalive()) {
      if (!f.hasFull() && f.getNetmapVersion() != netmapVersion + 1) {
        versionErrors.incrementAndGet();
      }
      netmapVersion = f.getNetmapVersion();
    }
    if (!f.getResumeToken().isEmpty()) {
      resumeToken = f.getResumeToken();
    }
    switch (f.getFrameCase()) {
      case FULL -> {
        if (!inParts) {
          netmap.full(f.getFull()); // the whole netmap, or the first of its parts
        } else {
          for (Node p : f.getFull().getPeersList()) {
            netmap.put(p); // a later part carries more peers
          }
        }
        inParts = f.getMoreParts(); // a netmap in parts is complete with its last part
        if (!inParts) {
          fullAtNanos = now;
        }
      }
      case PEERS_ADDED -> {
        for (Node p : f.getPeersAdded().getPeersList()) {
          netmap.put(p);
        }
      }
      case PEERS_REMOVED -> {
        for (String id : f.getPeersRemoved().getNodeIdsList()) {
          netmap.remove(id);
        }
      }
      case PEER_PATCHES -> {
        for (PeerPatch p : f.getPeerPatches().getPatchesList()) {
          if (!netmap.patch(p)) {
            unknownPatches.incrementAndGet();
          }
        }
      }
      case SELF_CHANGED -> netmap.self(f.getSelfChanged());
      case PACKET_FILTER_CHANGED -> netmap.filter(f.getPacketFilterChanged());
      case RELAY_MAP_CHANGED -> netmap.relays(f.getRelayMapChanged());
      case DNS_CONFIG_CHANGED -> netmap.dns(f.getDnsConfigChanged());
      case LOGGED_OUT -> endedBy = "logged_out";
      case REAUTH_REQUIRED -> endedBy = "reauth_required";
      default -> {}
    }
    peerCount = netmap.peerCount();
    if (!f.hasKeepalive()) {
      digests[digestCount++ % RING] = netmap.digest();
    }
  }

  /** This device's view of the peer at {@code index}, or null (call from the observer). */
  Node peerUnderLock(int index) {
    return netmap.peer(index);
  }

  /** Whether this device's netmap holds exactly {@code expected} peers (as indexes). */
  boolean peersEqual(BitSet expected) {
    synchronized (lock) {
      if (netmap.peerCount() != expected.cardinality()) {
        return false;
      }
      for (int i = expected.nextSetBit(0); i >= 0; i = expected.nextSetBit(i + 1)) {
        if (netmap.peer(i) == null) {
          return false;
        }
      }
      return true;
    }
  }

  /** Null if this device's netmap equals {@code full} now; else what differs. */
  String diff(FullNetmap full) {
    return diff(full, i -> false);
  }

  /** Like {@link #diff(FullNetmap)}, ignoring the peers {@code excused} (by index). */
  String diff(FullNetmap full, java.util.function.IntPredicate excused) {
    synchronized (lock) {
      return netmap.diff(full, excused);
    }
  }

  /** The names of the relay servers this device's relay map lists, region by region. */
  List<String> relayNodes() {
    synchronized (lock) {
      return netmap.relayMap().getRegionsMap().values().stream()
          .flatMap(r -> r.getNodesList().stream())
          .map(n -> n.getName())
          .toList();
    }
  }

  /** Node ids of the peers this device's netmap shows offline (empty when all are online). */
  List<String> offlinePeers() {
    synchronized (lock) {
      List<String> out = new java.util.ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        Node p = netmap.peer(i);
        if (p != null && !p.getOnline()) {
          out.add(p.getId());
        }
      }
      return out;
    }
  }

  /** Whether the netmap had digest {@code d} in one of its last states (or has it now). */
  boolean hadDigest(long d) {
    synchronized (lock) {
      int n = Math.min(digestCount, RING);
      for (int i = 0; i < n; i++) {
        if (digests[i] == d) {
          return true;
        }
      }
      return false;
    }
  }

  /** The digest of the netmap now. */
  long digest() {
    synchronized (lock) {
      return netmap.digest();
    }
  }

  /** The full netmap this device received last (for a twin used as a full fetch), or null. */
  FullNetmap lastFull() {
    return lastFull;
  }

  private volatile FullNetmap lastFull;

  /** Keeps the next full frames themselves (a twin that fetches a full for comparison). */
  void keepFull() {
    FullNetmap.Builder parts = FullNetmap.newBuilder();
    observer =
        (d, f, now) -> {
          if (f.hasFull()) {
            parts.mergeFrom(f.getFull()); // a netmap in parts: merged until its last part
            if (!f.getMoreParts()) {
              lastFull = parts.build();
              parts.clear();
            }
          }
        };
  }
}
