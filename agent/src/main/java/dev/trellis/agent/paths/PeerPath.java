package dev.trellis.agent.paths;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.paths.disco.DiscoMessage;
import dev.trellis.proto.key.NodePublicKey;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The path state machine of one peer: traffic goes through the relay until a disco ping round trip
 * succeeds on a candidate endpoint (reported in the netmap, or learned from the peer's pings and
 * call-me-maybe), then direct to the best such endpoint (LAN before public, then lower latency).
 * While the peer is active the direct path is pinged every heartbeat; after {@link
 * PathTimings#trust()} without a pong traffic falls back to the relay and discovery starts again. A
 * changed endpoint set (a network change) re-runs discovery at once.
 *
 * <p>A UDP relay session's endpoint ({@link #setUdpRelay}) is one more candidate, probed and kept
 * like a direct one (the relay forwards disco too), but any direct endpoint that answers beats it:
 * direct, then the UDP relay, then the TLS relay.
 *
 * <p>It decides; {@link DiscoOut} sends. Time comes in as monotonic nanoseconds.
 *
 * <p>Thread-safety: methods are synchronised on {@code this}; {@link #route()} and {@link
 * #noteActive} read and write volatile fields without the lock for the packet path.
 */
final class PeerPath {
  private static final int MAX_LEARNED = 16;
  private static final int MAX_PENDING = 64;
  private static final long PING_BACK_GAP = 1_000_000_000L;
  private static final long CALL_ME_MAYBE_GAP = 1_000_000_000L;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A ping awaiting its pong; {@code back}: sent in answer to the peer's ping from {@code to}. */
  private record Pending(Endpoint to, long sentAt, Consumer<PingReply> listener, boolean back) {}

  final NodePublicKey nodeKey;
  final Endpoint virtual;
  private final PathTimings timings;
  private final PathListener listener;

  private volatile Endpoint route; // the direct (or UDP relay) endpoint in use, null = TLS relay
  private volatile Endpoint udpRelay; // the UDP relay session's endpoint, or null
  private volatile int udpRelayRegion;
  private volatile String udpRelayRegionName = "";
  private volatile long lastActive = Long.MIN_VALUE / 2;
  private volatile Endpoint fallback; // first endpoint of a peer without a disco key
  private volatile List<Endpoint> reported;

  // guarded by this
  private PeerPathConfig config;
  private final Set<Endpoint> learned = new LinkedHashSet<>();
  private final Map<ByteBuffer, Pending> pending = new HashMap<>();
  private long bestLatency;
  private long bestConfirmedAt;
  private long lastDiscovery = Long.MIN_VALUE / 2;
  private long lastHeartbeat = Long.MIN_VALUE / 2;
  private long lastCallMeMaybe = Long.MIN_VALUE / 2;
  private final BirthdayProbe birthday = new BirthdayProbe();
  private int failedRounds; // discovery rounds since the last direct path or endpoint change

  PeerPath(PeerPathConfig config, Endpoint virtual, PathTimings timings) {
    this(config, virtual, timings, PathListener.NONE);
  }

  PeerPath(PeerPathConfig config, Endpoint virtual, PathTimings timings, PathListener listener) {
    this.nodeKey = config.nodeKey();
    this.config = config;
    this.virtual = virtual;
    this.timings = timings;
    this.listener = listener;
    setStatic(config);
  }

  /**
   * Sets the direct endpoint in use ({@code null}: the relay), telling the listener of a change.
   */
  private void setRoute(Endpoint next, String why) {
    Endpoint was = route;
    route = next;
    if (!java.util.Objects.equals(was, next)) {
      listener.changed(nodeKey, next, label(next), label(was), why);
    }
  }

  /** How a path reads in the daemon's log: {@code direct ADDR}, {@code udp-relay:R ADDR}, relay. */
  private String label(Endpoint e) {
    if (e == null) {
      return "relay";
    }
    return e.equals(udpRelay) ? "udp-relay:" + udpRelayRegionName + " " + e : "direct " + e;
  }

  private void setStatic(PeerPathConfig c) {
    reported = c.endpoints();
    fallback = c.discoKey() == null && !c.endpoints().isEmpty() ? c.endpoints().get(0) : null;
  }

  /**
   * The direct endpoint to send to now, or {@code null} for the relay. A peer without a disco key
   * cannot be probed, so it gets its first reported endpoint as before paths existed. Lock-free.
   */
  Endpoint route() {
    Endpoint r = route;
    return r != null ? r : fallback;
  }

  /** The peer's reported endpoints, for a first packet when no relay is up. Lock-free. */
  List<Endpoint> reported() {
    return reported;
  }

  /** Marks the peer active (WireGuard traffic to or from it) at {@code now}. Lock-free. */
  void noteActive(long now) {
    if (now - lastActive > 100_000_000L) {
      lastActive = now;
    }
  }

  /** Whether a discovery round is due (no direct path, and none sent recently). */
  synchronized boolean discoveryDue(long now) {
    return route == null
        && config.discoKey() != null
        && now - lastDiscovery >= timings.discovery().toNanos();
  }

  /** Makes discovery due at once if there is no direct path (the peer just reconnected). */
  synchronized void rediscover() {
    if (route == null) {
      lastDiscovery = Long.MIN_VALUE / 2;
    }
  }

  synchronized PeerPathConfig config() {
    return config;
  }

  /** Takes a new netmap entry; a changed endpoint set or disco key re-runs discovery. */
  synchronized void update(PeerPathConfig next) {
    boolean changed =
        !next.endpoints().equals(config.endpoints())
            || !java.util.Objects.equals(next.discoKey(), config.discoKey());
    if (!java.util.Objects.equals(next.discoKey(), config.discoKey())) {
      setRoute(null, "peer restarted"); // its old path proves nothing
      learned.clear();
      pending.clear();
    }
    config = next;
    setStatic(next);
    if (changed) {
      lastDiscovery = Long.MIN_VALUE / 2;
      failedRounds = 0;
      birthday.reset();
    }
  }

  /** The timer: expires pings, falls back when the direct path went silent, probes. */
  synchronized void tick(long now, DiscoOut out, List<Endpoint> own, NodePublicKey self) {
    long timeout = timings.pingTimeout().toNanos();
    pending.values().removeIf(p -> now - p.sentAt() > timeout);
    if (route != null && now - bestConfirmedAt > timings.trust().toNanos()) {
      setRoute(null, "direct path silent"); // 3 heartbeats unanswered: relay, and look again
      lastDiscovery = Long.MIN_VALUE / 2;
    }
    if (config.discoKey() == null || now - lastActive > timings.active().toNanos()) {
      return;
    }
    Endpoint r = route;
    // On the UDP relay there is still no direct path: look for one as often as on the TLS relay
    // (its session endpoint is a candidate, so each round also keeps it confirmed), not at the
    // slower pace of a direct path looking for a better one.
    boolean noDirect = r == null || r.equals(udpRelay);
    long every = (noDirect ? timings.discovery() : timings.upgrade()).toNanos();
    if (now - lastDiscovery >= every) {
      discover(now, out, own, self);
    } else if (r != null && now - lastHeartbeat >= timings.heartbeat().toNanos()) {
      lastHeartbeat = now;
      ping(r, now, out, self, null);
    }
  }

  /** Pings every candidate and asks the peer, through the relay, to ping ours. */
  synchronized void discover(long now, DiscoOut out, List<Endpoint> own, NodePublicKey self) {
    if (config.discoKey() == null) {
      return;
    }
    lastDiscovery = now;
    lastHeartbeat = now;
    for (Endpoint e : candidates()) {
      ping(e, now, out, self, null);
    }
    callMeMaybe(now, out, own);
    // Still no direct path when the route is the UDP relay: keep counting toward birthday probes.
    Endpoint r = route;
    if ((r == null || r.equals(udpRelay)) && birthday.due(++failedRounds)) {
      birthdayRound(now, out, self);
    }
  }

  /**
   * One bounded round of pings to random ports of the peer's public IPv4 address (see {@link
   * BirthdayProbe}): the address of an endpoint its NAT gave it, else of a candidate that is not a
   * LAN address; none without either.
   */
  private void birthdayRound(long now, DiscoOut out, NodePublicKey self) {
    InetAddress target = null;
    for (InetAddress a : config.publicAddresses()) {
      if (a.getAddress().length == 4) {
        target = a; // what the peer's NAT showed a STUN server (or mapped for it)
        break;
      }
    }
    for (Endpoint e : candidates()) {
      if (target == null && !isLan(e.address()) && e.address().getAddress().length == 4) {
        target = e.address();
      }
    }
    if (target == null) {
      return;
    }
    byte[] tx = new byte[DiscoMessage.TX_ID_LENGTH];
    RANDOM.nextBytes(tx);
    DiscoMessage.Ping ping = new DiscoMessage.Ping(tx, self);
    out.directAll(birthday.round(target, tx, now), config.discoKey(), ping);
  }

  /** Birthday rounds sent since the last reset (for tests). */
  synchronized int birthdayRounds() {
    return birthday.rounds();
  }

  /** Asks the peer, through the relay, to ping our endpoints now. */
  private void callMeMaybe(long now, DiscoOut out, List<Endpoint> own) {
    if (!own.isEmpty()) {
      lastCallMeMaybe = now;
      List<Endpoint> list = own.size() > 32 ? own.subList(0, 32) : own;
      out.relay(
          config.homeRegion(), nodeKey, config.discoKey(), new DiscoMessage.CallMeMaybe(list));
    }
  }

  /** A user's ping: to the direct path if there is one, else to every candidate and the relay. */
  synchronized void userPing(long now, DiscoOut out, NodePublicKey self, Consumer<PingReply> l) {
    if (config.discoKey() == null) {
      return;
    }
    if (route != null) {
      ping(route, now, out, self, l);
      return;
    }
    for (Endpoint e : candidates()) {
      ping(e, now, out, self, l);
    }
    ping(null, now, out, self, l);
  }

  private List<Endpoint> candidates() {
    Set<Endpoint> all = new LinkedHashSet<>(config.endpoints());
    all.addAll(learned);
    Endpoint u = udpRelay;
    if (u != null) {
      all.add(u);
    }
    return new ArrayList<>(all);
  }

  /**
   * Sets the UDP relay session's endpoint ({@code null}: none) made by the relay of {@code region}
   * (named {@code regionName}): a candidate from now on, used when no direct endpoint answers. A
   * replaced one in use stops being used at once (its session is gone).
   */
  synchronized void setUdpRelay(Endpoint next, int region, String regionName) {
    Endpoint was = udpRelay;
    if (was != null && !was.equals(next) && was.equals(route)) {
      setRoute(null, "udp relay session replaced"); // logged while it still reads as the relay
    }
    udpRelay = next;
    udpRelayRegion = region;
    udpRelayRegionName = regionName;
    if (was != null && !was.equals(next)) {
      learned.remove(was);
      pending.values().removeIf(q -> was.equals(q.to())); // a late pong proves nothing now
    }
    if (next != null && route == null) {
      lastDiscovery = Long.MIN_VALUE / 2; // probe it now
    }
  }

  /** The UDP relay session's endpoint, or null. Lock-free. */
  Endpoint udpRelay() {
    return udpRelay;
  }

  /** Whether traffic goes to a direct endpoint now (not a relay of either kind). Lock-free. */
  boolean isDirect() {
    Endpoint r = route();
    return r != null && !r.equals(udpRelay);
  }

  /** Whether traffic goes through the UDP relay now. Lock-free. */
  boolean onUdpRelay() {
    Endpoint r = route;
    return r != null && r.equals(udpRelay);
  }

  /** Whether WireGuard traffic to or from the peer was seen within the active window. */
  boolean active(long now) {
    return now - lastActive <= timings.active().toNanos();
  }

  /** Whether the peer can be probed (it reported a disco key). */
  synchronized boolean probeable() {
    return config.discoKey() != null;
  }

  /** Sends one ping to {@code to} (null: through the relay). */
  private void ping(
      Endpoint to, long now, DiscoOut out, NodePublicKey self, Consumer<PingReply> l) {
    ping(to, now, out, self, l, false);
  }

  private void ping(
      Endpoint to,
      long now,
      DiscoOut out,
      NodePublicKey self,
      Consumer<PingReply> l,
      boolean back) {
    byte[] tx = new byte[DiscoMessage.TX_ID_LENGTH];
    RANDOM.nextBytes(tx);
    if (pending.size() >= MAX_PENDING) {
      Iterator<ByteBuffer> it = pending.keySet().iterator();
      it.next();
      it.remove();
    }
    pending.put(ByteBuffer.wrap(tx), new Pending(to, now, l, back));
    DiscoMessage.Ping ping = new DiscoMessage.Ping(tx, self);
    if (to == null) {
      out.relay(config.homeRegion(), nodeKey, config.discoKey(), ping);
    } else {
      out.direct(to, config.discoKey(), ping);
    }
  }

  /**
   * A pong from this peer arrived from {@code from} (null: through relay region {@code region}).
   * Returns true if it confirmed a direct path.
   */
  synchronized boolean onPong(byte[] txId, Endpoint from, String regionName, long now) {
    Pending p = pending.remove(ByteBuffer.wrap(txId));
    long birthdayAt = p == null ? birthday.answers(txId, from) : -1;
    if (birthdayAt >= 0) {
      p = new Pending(from, birthdayAt, null, false); // a birthday probe hit the peer's port
    }
    if (p == null || !java.util.Objects.equals(p.to(), from)) {
      return false; // unknown, late, or answered from elsewhere than we asked
    }
    long rtt = Math.max(0, now - p.sentAt());
    Endpoint u = udpRelay;
    boolean viaUdpRelay = from != null && from.equals(u);
    if (p.listener() != null) {
      String region = from == null ? regionName : viaUdpRelay ? udpRelayRegionName : "";
      p.listener().accept(new PingReply(from, region, Duration.ofNanos(rtt)));
    }
    if (from == null) {
      return false;
    }
    Endpoint current = route;
    if (current == null || current.equals(from) || beats(from, rtt, current, bestLatency, u)) {
      String how = !viaUdpRelay && birthdayAt >= 0 ? "birthday probe, " : "";
      setRoute(from, how + "pong in " + rtt / 1_000_000 + " ms");
      if (!viaUdpRelay) {
        failedRounds = 0;
      }
      bestLatency = rtt;
      bestConfirmedAt = now;
    }
    return true;
  }

  /**
   * A ping from this peer arrived directly from {@code from}: remember it as a candidate and, while
   * there is no direct path, ping it back at once (unless a ping-back went there within the last
   * second), so the side that pinged first need not wait for its next discovery round. A ping of
   * our own to {@code from} sent just before does not count: the peer's ping shows its NAT's filter
   * is open only now, so ours was most likely dropped on the way (hole punching), or it arrived
   * before the peer knew our disco key.
   */
  synchronized void onPingFrom(Endpoint from, long now, DiscoOut out, NodePublicKey self) {
    onPingFrom(from);
    if (route != null || config.discoKey() == null) {
      return;
    }
    for (Pending p : pending.values()) {
      if (p.back() && from.equals(p.to()) && now - p.sentAt() < PING_BACK_GAP) {
        return;
      }
    }
    ping(from, now, out, self, null, true);
  }

  /** A ping from this peer arrived directly from {@code from}: remember it as a candidate. */
  synchronized void onPingFrom(Endpoint from) {
    if (learned.contains(from) || config.endpoints().contains(from) || from.equals(udpRelay)) {
      return;
    }
    if (learned.size() >= MAX_LEARNED) {
      Iterator<Endpoint> it = learned.iterator();
      it.next();
      it.remove();
    }
    learned.add(from);
  }

  /**
   * The peer asked us to ping its endpoints now (hole punching): learn them and ping at once. While
   * there is no direct path, and unless we asked within the last second, ask back: our pings have
   * just opened our NAT's filter to the peer's addresses, so the peer's next pings get through even
   * if its earlier ones (sent with its call-me-maybe) were dropped. An endpoint-dependent NAT on
   * the peer's side makes this the only quick way in: its pings come from a port we cannot predict.
   */
  synchronized void onCallMeMaybe(
      List<Endpoint> endpoints, long now, DiscoOut out, List<Endpoint> own, NodePublicKey self) {
    if (config.discoKey() == null) {
      return;
    }
    for (Endpoint e : endpoints) {
      onPingFrom(e);
    }
    for (Endpoint e : endpoints) {
      ping(e, now, out, self, null);
    }
    if (route == null && now - lastCallMeMaybe >= CALL_ME_MAYBE_GAP) {
      callMeMaybe(now, out, own);
    }
  }

  /** The addresses that may carry this peer's traffic (for attributing inbound packets). */
  synchronized Set<Endpoint> knownAddresses() {
    Set<Endpoint> s = new LinkedHashSet<>(config.endpoints());
    s.addAll(learned);
    Endpoint r = route;
    if (r != null) {
      s.add(r);
    }
    Endpoint u = udpRelay;
    if (u != null) {
      s.add(u);
    }
    return s;
  }

  /** The status of this path at {@code now}. */
  synchronized PathStatus status(long now, RelayLink relay) {
    Endpoint r = route();
    if (r != null && r.equals(udpRelay)) {
      return new PathStatus(
          "udp-relay", r, udpRelayRegion, udpRelayRegionName, Duration.ofNanos(bestLatency));
    }
    if (r != null) {
      return new PathStatus("direct", r, 0, "", Duration.ofNanos(bestLatency));
    }
    int region = config.homeRegion() != 0 ? config.homeRegion() : relay.homeRegion();
    if (now - lastActive > timings.active().toNanos()) {
      return new PathStatus("idle", null, region, "", null);
    }
    return new PathStatus("relay", null, region, region == 0 ? "" : relay.regionName(region), null);
  }

  /**
   * Whether {@code a} (round trip {@code ra}) beats {@code b} ({@code rb}) when {@code relay} is
   * the UDP relay's endpoint: any direct endpoint beats the UDP relay, else {@link #better}.
   */
  static boolean beats(Endpoint a, long ra, Endpoint b, long rb, Endpoint relay) {
    boolean relayA = a.equals(relay);
    boolean relayB = b.equals(relay);
    if (relayA != relayB) {
      return relayB;
    }
    return better(a, ra, b, rb);
  }

  /**
   * Whether {@code a} (round trip {@code ra}) beats {@code b} ({@code rb}): LAN first, then 10%
   * faster.
   */
  static boolean better(Endpoint a, long ra, Endpoint b, long rb) {
    boolean lanA = isLan(a.address());
    boolean lanB = isLan(b.address());
    if (lanA != lanB) {
      return lanA;
    }
    return ra < rb - rb / 10;
  }

  /** Private (RFC 1918, ULA), link-local or loopback: a LAN address. */
  static boolean isLan(InetAddress a) {
    byte[] b = a.getAddress();
    return a.isSiteLocalAddress()
        || a.isLinkLocalAddress()
        || a.isLoopbackAddress()
        || (b.length == 16 && (b[0] & 0xfe) == 0xfc);
  }
}
