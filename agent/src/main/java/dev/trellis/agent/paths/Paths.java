package dev.trellis.agent.paths;

import dev.trellis.agent.bind.BindOpener;
import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.paths.disco.DiscoBox;
import dev.trellis.agent.paths.disco.DiscoMessage;
import dev.trellis.agent.paths.disco.DiscoPacket;
import dev.trellis.agent.paths.udprelay.UdpRelayRegion;
import dev.trellis.agent.paths.udprelay.UdpRelaySession;
import dev.trellis.agent.time.Clock;
import dev.trellis.proto.key.DiscoPrivateKey;
import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.relay.RelayFrame;
import dev.trellis.proto.stun.StunDecoder;
import dev.trellis.proto.stun.StunEncoder;
import dev.trellis.proto.stun.StunMessage;
import dev.trellis.proto.stun.StunResult;
import dev.trellis.proto.stun.TransactionId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The agent's path layer (the "magic socket"): gives WireGuard one virtual {@link Endpoint} per
 * peer and carries each packet on that peer's best path, the relay from the first packet and a
 * direct UDP endpoint once a disco round trip proved it (see {@link PeerPath} for the state machine
 * and {@link DiscoPacket} for the protocol). While a peer has no direct path it also asks a relay
 * for a UDP relay session with it ({@link UdpRelaySession}), bound from the same UDP socket and
 * probed like a direct endpoint: a datagram to the session's endpoint reaches the peer unchanged,
 * so the packet path treats it as one more endpoint. Inbound WireGuard from a known direct address
 * or through the relay is handed to the device as coming from the peer's virtual endpoint, so
 * WireGuard's roaming never bypasses this layer. It also sends STUN requests from the same socket
 * so the mapping it learns is the one WireGuard traffic uses.
 *
 * <p>Wiring: build it, pass {@link #opener} to the WireGuard device, give the device each peer's
 * {@link #reconfigure} result as its endpoint, and {@link #start} the {@code paths-timer} thread.
 *
 * <p>Thread-safety: safe from any thread. Peer tables are immutable snapshots swapped under {@code
 * this}; per-peer state is guarded by each {@link PeerPath}; the packet path takes no lock.
 */
public final class Paths implements AutoCloseable {
  private static final Endpoint RELAYED = new Endpoint(anyAddress(), 0);

  private final DiscoBox box;
  private final Clock clock;
  private final RelayLink relay;
  private final PathTimings timings;
  private final SecureRandom random = new SecureRandom();
  private final Map<Endpoint, PeerPath> byAddress = new ConcurrentHashMap<>();
  private final Map<TransactionId, CompletableFuture<Endpoint>> stunWaiters =
      new ConcurrentHashMap<>();
  private final AtomicLong relayFromUnknown = new AtomicLong();
  private final AtomicLong pingKeyMismatch = new AtomicLong();
  // handshake initiations relayed from node keys not (yet) in the netmap, replayed if they appear
  private final Map<NodePublicKey, Early> early = new ConcurrentHashMap<>();

  private record Early(byte[] packet, long at) {}

  private static final int MAX_EARLY = 64;
  private static final long EARLY_FOR = 3_000_000_000L;
  private static final int INITIATION_LENGTH = 148;
  private final DiscoOut out = new Out();
  // UDP relay sessions by peer, and when each peer's session was last asked for
  private final Map<NodePublicKey, UdpRelaySession> udpSessions = new ConcurrentHashMap<>();
  private final Map<NodePublicKey, Long> udpAsked = new ConcurrentHashMap<>();
  private static final long UDP_ASK_EVERY = 10_000_000_000L;
  private static final long UDP_BIND_IN_USE = 20_000_000_000L;
  private static final long UDP_BIND_UNPROVEN = 3_000_000_000L;

  // snapshots, replaced under this
  private volatile Map<Endpoint, PeerPath> byVirtual = Map.of();
  private volatile Map<NodePublicKey, PeerPath> byNode = Map.of();
  private volatile Map<DiscoPublicKey, PeerPath> byDisco = Map.of();
  private volatile NodePublicKey self;
  private volatile List<Endpoint> own = List.of();
  private volatile PathBind socket;
  private volatile boolean closed;
  private volatile PathListener pathListener = PathListener.NONE;

  // guarded by this
  private int nextVirtual = 1;
  private Thread timer;

  public Paths(DiscoPrivateKey disco, Clock clock, RelayLink relay, PathTimings timings) {
    this.box = new DiscoBox(disco);
    this.clock = clock;
    this.relay = relay;
    this.timings = timings;
    relay.setReceiver(
        new RelayLink.Receiver() {
          @Override
          public void received(int region, NodePublicKey from, byte[] data, int off, int len) {
            fromRelay(region, from, data, off, len);
          }

          @Override
          public void burstEnd(int region) {
            PathBind b = socket;
            if (b != null) {
              b.flushRelayed();
            }
          }

          @Override
          public void peerPresent(int region, NodePublicKey peer) {
            PeerPath p = byNode.get(peer);
            if (p != null) {
              p.rediscover(); // it (re)connected, perhaps from a new network: look again now
            }
          }

          @Override
          public void udpRelaySession(
              int region, RelayFrame.UdpRelaySession session, InetAddress relayAddress) {
            onUdpRelaySession(region, session, relayAddress);
          }
        });
  }

  /** A bind opener for the WireGuard device: opens UDP with {@code udp} and wraps it. */
  public BindOpener opener(BindOpener udp) {
    return port -> {
      PathBind b = new PathBind(this, udp.open(port));
      PathBind old = socket;
      socket = b;
      if (old != null) {
        old.close();
      }
      return b;
    };
  }

  /** Starts the {@code paths-timer} thread (probes, fallbacks, expiries). */
  public synchronized void start() {
    if (timer != null) {
      return;
    }
    timer =
        Thread.ofPlatform()
            .name("paths-timer")
            .daemon()
            .start(
                () -> {
                  try {
                    while (!closed) {
                      clock.sleep(TimeUnit.MILLISECONDS.toNanos(200));
                      tick();
                    }
                  } catch (InterruptedException e) {
                    // closing
                  }
                });
  }

  /**
   * Takes this node's key and the peers from the netmap; returns each peer's virtual endpoint
   * (stable for as long as the peer stays).
   */
  public synchronized Map<NodePublicKey, Endpoint> reconfigure(
      NodePublicKey selfKey, List<PeerPathConfig> peers) {
    self = selfKey;
    Map<NodePublicKey, PeerPath> nodes = new LinkedHashMap<>();
    Map<Endpoint, PeerPath> virtuals = new HashMap<>();
    Map<DiscoPublicKey, PeerPath> discos = new HashMap<>();
    Map<NodePublicKey, Endpoint> result = new LinkedHashMap<>();
    for (PeerPathConfig c : peers) {
      PeerPath p = byNode.get(c.nodeKey());
      if (p == null) {
        p =
            new PeerPath(
                c,
                virtualEndpoint(nextVirtual++),
                timings,
                (peer, route, now, was, why) -> pathListener.changed(peer, route, now, was, why));
      } else {
        p.update(c);
      }
      nodes.put(c.nodeKey(), p);
      virtuals.put(p.virtual, p);
      if (c.discoKey() != null) {
        discos.put(c.discoKey(), p);
      }
      result.put(c.nodeKey(), p.virtual);
    }
    for (PeerPath old : byNode.values()) {
      if (nodes.get(old.nodeKey) != old && old.config().discoKey() != null) {
        box.forget(old.config().discoKey());
      }
    }
    byAddress.values().removeIf(p -> nodes.get(p.nodeKey) != p);
    udpSessions.keySet().retainAll(nodes.keySet());
    udpAsked.keySet().retainAll(nodes.keySet());
    for (PeerPath p : nodes.values()) {
      for (Endpoint e : p.reported()) {
        byAddress.putIfAbsent(e, p); // the netmap's endpoints are known addresses of the peer
      }
    }
    byNode = Map.copyOf(nodes);
    byVirtual = Map.copyOf(virtuals);
    byDisco = Map.copyOf(discos);
    replayEarly(nodes);
    return result;
  }

  /** This node's endpoints to offer peers in call-me-maybe (local and STUN-learned). */
  public void setOwnEndpoints(List<Endpoint> endpoints) {
    own = List.copyOf(endpoints);
  }

  /** One round of the timer (the thread calls it; tests may too). */
  public void tick() {
    NodePublicKey s = self;
    if (s == null) {
      return;
    }
    long now = clock.nanoTime();
    for (PeerPath p : byNode.values()) {
      p.tick(now, out, own, s);
      udpRelayTick(p, now, s);
    }
  }

  /**
   * The UDP relay for one peer: while it is active, probeable and not direct, ask for a session
   * (every {@code UDP_ASK_EVERY} until one carries the traffic; the relay answers a repeated ask
   * with the same session) and keep the session bound (every few seconds until it is proven, then
   * less often: a bind also renews the NAT's mapping and follows a NAT rebinding).
   */
  private void udpRelayTick(PeerPath p, long now, NodePublicKey s) {
    if (!p.active(now) || p.isDirect() || !p.probeable()) {
      return;
    }
    UdpRelaySession u = udpSessions.get(p.nodeKey);
    boolean inUse = p.onUdpRelay();
    if (!inUse) {
      Long asked = udpAsked.get(p.nodeKey);
      if (asked == null || now - asked >= UDP_ASK_EVERY) {
        int region =
            UdpRelayRegion.choose(s, relay.homeRegion(), p.nodeKey, p.config().homeRegion());
        if (region != 0 && relay.requestUdpRelay(region, p.nodeKey)) {
          udpAsked.put(p.nodeKey, now);
        }
      }
    }
    if (u != null && now - u.lastBind() >= (inUse ? UDP_BIND_IN_USE : UDP_BIND_UNPROVEN)) {
      sendBind(u, now);
    }
  }

  /** A relay made (or told again) the UDP relay session with a peer: bind it, and probe it. */
  private void onUdpRelaySession(
      int region, RelayFrame.UdpRelaySession session, InetAddress relayAddress) {
    PeerPath p = byNode.get(session.peer());
    if (p == null) {
      return;
    }
    long now = clock.nanoTime();
    UdpRelaySession old = udpSessions.get(p.nodeKey);
    if (old != null && old.sameAs(session, relayAddress)) {
      sendBind(old, now);
      return;
    }
    UdpRelaySession u = new UdpRelaySession(session, relayAddress, region);
    udpSessions.put(p.nodeKey, u);
    if (old != null) {
      byAddress.remove(old.endpoint(), p);
    }
    byAddress.put(u.endpoint(), p);
    sendBind(u, now);
    p.setUdpRelay(u.endpoint(), region, relay.regionName(region));
  }

  private void sendBind(UdpRelaySession u, long now) {
    PathBind b = socket;
    if (b != null) {
      b.sendRaw(u.bind(now), u.endpoint());
    }
  }

  /** Tells {@code listener} of every peer's path change from now on (one listener). */
  public void onPathChange(PathListener listener) {
    this.pathListener = listener;
  }

  /** How traffic to {@code peer} flows now, or {@code null} if it is not a peer. */
  public PathStatus status(NodePublicKey peer) {
    PeerPath p = byNode.get(peer);
    return p == null ? null : p.status(clock.nanoTime(), relay);
  }

  /** Sends one disco ping to {@code peer} (direct path, or every candidate and the relay). */
  public boolean ping(NodePublicKey peer, Consumer<PingReply> replies) {
    PeerPath p = byNode.get(peer);
    NodePublicKey s = self;
    if (p == null || s == null || p.config().discoKey() == null) {
      return false;
    }
    p.userPing(clock.nanoTime(), out, s, replies);
    return true;
  }

  /**
   * Sends a STUN binding request to {@code server} from the WireGuard socket; the future completes
   * with the mapped address, or exceptionally after {@code timeout}.
   */
  public CompletableFuture<Endpoint> stun(Endpoint server, Duration timeout) {
    PathBind b = socket;
    CompletableFuture<Endpoint> f = new CompletableFuture<>();
    if (b == null) {
      f.completeExceptionally(new IllegalStateException("no UDP socket yet"));
      return f;
    }
    byte[] tx = new byte[12];
    random.nextBytes(tx);
    TransactionId key = TransactionId.of(tx);
    stunWaiters.put(key, f);
    f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((r, e) -> stunWaiters.remove(key));
    b.sendRaw(StunEncoder.bindingRequest(key), server);
    return f;
  }

  /** The UDP port WireGuard and disco share, 0 before the device opened it. */
  public int port() {
    PathBind b = socket;
    return b == null ? 0 : b.port();
  }

  /** The disco drop counters and friends. */
  public DiscoBox discoBox() {
    return box;
  }

  /** Relayed packets from node keys that are not peers, dropped. */
  public long relayFromUnknown() {
    return relayFromUnknown.get();
  }

  // ---- packet path (called by PathBind) ----

  /** The peer path behind a virtual endpoint, or {@code null}. */
  PeerPath peerOf(Endpoint virtual) {
    return byVirtual.get(virtual);
  }

  RelayLink relay() {
    return relay;
  }

  long now() {
    return clock.nanoTime();
  }

  /** Runs a due discovery round for {@code p} (first packet to a peer with no direct path). */
  void discoverIfDue(PeerPath p, long now) {
    NodePublicKey s = self;
    if (s != null && p.discoveryDue(now)) {
      p.discover(now, out, own, s);
    }
  }

  /**
   * Classifies a datagram from UDP: disco and STUN are consumed (returns null); WireGuard is
   * returned as coming from the peer's virtual endpoint when its source is a known path, else from
   * its real source.
   */
  Endpoint fromUdp(byte[] buf, int off, int len, Endpoint from) {
    if (DiscoPacket.isDisco(buf, off, len)) {
      onDisco(buf, off, len, from, 0);
      return null;
    }
    if (StunMessage.isStun(buf, off, len)) {
      if (StunDecoder.decode(buf, off, len) instanceof StunResult.BindingResponse r) {
        CompletableFuture<Endpoint> f = stunWaiters.remove(r.transactionId());
        if (f != null) {
          f.complete(Endpoint.of(r.mapped()));
        }
      }
      return null;
    }
    PeerPath p = byAddress.get(from);
    if (p == null) {
      return from;
    }
    p.noteActive(clock.nanoTime());
    return p.virtual;
  }

  private void fromRelay(int region, NodePublicKey from, byte[] data, int off, int len) {
    if (DiscoPacket.isDisco(data, off, len)) {
      onDisco(data, off, len, null, region);
      return;
    }
    PeerPath p = byNode.get(from);
    PathBind b = socket;
    if (p == null || b == null) {
      relayFromUnknown.incrementAndGet();
      if (p == null && len == INITIATION_LENGTH && data[off] == 1 && early.size() < MAX_EARLY) {
        // a peer that learned of us before we of it: keep its handshake for when it appears,
        // rather than have both sides wait out WireGuard's 5 s retry
        early.put(from, new Early(java.util.Arrays.copyOfRange(data, off, off + len), now()));
      }
      return;
    }
    p.noteActive(clock.nanoTime());
    b.deliver(data, off, len, p.virtual);
  }

  /** Hands the device any kept early handshake of a peer now in the netmap; drops stale ones. */
  private void replayEarly(Map<NodePublicKey, PeerPath> nodes) {
    if (early.isEmpty()) {
      return;
    }
    long now = now();
    PathBind b = socket;
    for (var it = early.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      PeerPath p = nodes.get(e.getKey());
      if (now - e.getValue().at() > EARLY_FOR) {
        it.remove();
      } else if (p != null && b != null) {
        it.remove();
        byte[] pkt = e.getValue().packet();
        b.deliver(pkt, 0, pkt.length, p.virtual);
      }
    }
  }

  private void onDisco(byte[] buf, int off, int len, Endpoint src, int region) {
    Map<DiscoPublicKey, PeerPath> discos = byDisco;
    DiscoBox.Opened o = box.open(buf, off, len, discos::containsKey);
    NodePublicKey s = self;
    if (o == null || s == null) {
      return;
    }
    PeerPath p = discos.get(o.sender());
    if (p == null) {
      return;
    }
    long now = clock.nanoTime();
    switch (o.message()) {
      case DiscoMessage.Ping ping -> {
        if (!ping.nodeKey().equals(p.nodeKey)) {
          pingKeyMismatch.incrementAndGet(); // a disco key speaking for another node
          return;
        }
        DiscoMessage.Pong pong = new DiscoMessage.Pong(ping.txId(), src == null ? RELAYED : src);
        if (src != null) {
          byAddress.put(src, p);
          out.direct(src, o.sender(), pong);
          p.onPingFrom(src, now, out, s);
        } else {
          out.relay(region, p.nodeKey, o.sender(), pong);
        }
      }
      case DiscoMessage.Pong pong -> {
        if (p.onPong(pong.txId(), src, relay.regionName(region), now) && src != null) {
          byAddress.put(src, p);
        }
      }
      case DiscoMessage.CallMeMaybe cmm -> p.onCallMeMaybe(cmm.endpoints(), now, out, own, s);
    }
  }

  private final class Out implements DiscoOut {
    @Override
    public void direct(Endpoint to, DiscoPublicKey key, DiscoMessage m) {
      PathBind b = socket;
      if (b != null) {
        b.sendRaw(box.seal(m, key), to);
      }
    }

    @Override
    public void directAll(List<Endpoint> to, DiscoPublicKey key, DiscoMessage m) {
      PathBind b = socket;
      if (b != null) {
        byte[] sealed = box.seal(m, key);
        for (Endpoint e : to) {
          b.sendRaw(sealed, e);
        }
      }
    }

    @Override
    public void relay(int region, NodePublicKey to, DiscoPublicKey key, DiscoMessage m) {
      byte[] sealed = box.seal(m, key);
      relay.send(region, to, sealed, 0, sealed.length);
    }
  }

  /** Virtual endpoint {@code n}: an address of 100::/64 (RFC 6666, discard-only), port 1. */
  static Endpoint virtualEndpoint(int n) {
    byte[] a = new byte[16];
    a[0] = 0x01;
    a[12] = (byte) (n >>> 24);
    a[13] = (byte) (n >>> 16);
    a[14] = (byte) (n >>> 8);
    a[15] = (byte) n;
    try {
      return new Endpoint(InetAddress.getByAddress(a), 1);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code e} is one of the virtual endpoints (an address of 100::/64). */
  public static boolean isVirtual(Endpoint e) {
    byte[] a = e.address().getAddress();
    if (a.length != 16 || a[0] != 1 || a[1] != 0) {
      return false;
    }
    for (int i = 2; i < 8; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static InetAddress anyAddress() {
    try {
      return InetAddress.getByAddress(new byte[16]);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread t;
    synchronized (this) {
      t = timer;
    }
    if (t != null) {
      t.interrupt();
    }
    PathBind b = socket;
    if (b != null) {
      b.close();
    }
  }
}
