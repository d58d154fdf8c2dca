package dev.trellis.relay.udprelay;

import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.relay.forward.ConnectedDevice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who asked the UDP relay for a session with whom, and which sessions exist: the decisions of
 * {@link UdpRelay}, without any I/O. A session is made only for mutual consent: node A asked for B
 * and B asked for A, both connected to this instance (the devices that asked, not an older
 * connection with the same key) and in the same tailnet. Each node holds at most {@code perNode}
 * sessions and {@code perNode} open requests; requests expire after {@code offerTtl}, sessions
 * after {@code idle} without a datagram.
 *
 * <p>Thread-safety: not thread-safe; {@link UdpRelay} calls it under its lock.
 */
final class UdpSessionTable {
  /** What a request leads to. */
  sealed interface Outcome {}

  /** The session exists; tell the requester again (side {@code side}). */
  record Existing(UdpSession session, int side) implements Outcome {}

  /** Both asked: make a session between {@code a} (side 0) and {@code b} (side 1). */
  record Match(ConnectedDevice a, ConnectedDevice b) implements Outcome {}

  /** Recorded; waits for the peer's request. */
  record Offered() implements Outcome {}

  /** Refused, counted as {@code reason}. */
  record Refused(String reason) implements Outcome {}

  private record Pair(NodePublicKey from, NodePublicKey to) {}

  private record Offer(ConnectedDevice from, long at) {}

  private final int perNode;
  private final long offerTtl;
  private final long idle;
  private final Map<Pair, Offer> offers = new HashMap<>();
  private final Map<Set<NodePublicKey>, UdpSession> sessions = new HashMap<>();
  private final Map<NodePublicKey, Integer> sessionCount = new HashMap<>();
  private final Map<NodePublicKey, Integer> offerCount = new HashMap<>();

  /**
   * @param perNode most sessions, and most open requests, per node key
   * @param offerTtl how long a request waits for the peer's, in nanoseconds
   * @param idle how long a session lives without a datagram, in nanoseconds
   */
  UdpSessionTable(int perNode, long offerTtl, long idle) {
    this.perNode = perNode;
    this.offerTtl = offerTtl;
    this.idle = idle;
  }

  /**
   * {@code from} asks for a session with {@code peer}; {@code peerHere} is the device connected
   * here with that key, or null. Returns the stale sessions to close in {@code stale}.
   */
  Outcome request(
      ConnectedDevice from,
      NodePublicKey peer,
      ConnectedDevice peerHere,
      long now,
      List<UdpSession> stale) {
    if (peer.equals(from.key())) {
      return new Refused("udp_self");
    }
    UdpSession s = sessions.get(Set.of(from.key(), peer));
    if (s != null) {
      int side = s.sideOf(from);
      if (side >= 0 && s.sides[1 - side].device == peerHere) {
        return new Existing(s, side);
      }
      remove(s); // made with an older connection of one side: a fresh one replaces it
      stale.add(s);
    }
    Offer theirs = offers.get(new Pair(peer, from.key()));
    if (theirs != null
        && peerHere != null
        && theirs.from() == peerHere
        && now - theirs.at() <= offerTtl
        && peerHere.tailnetId().equals(from.tailnetId())) {
      if (count(sessionCount, from.key()) >= perNode || count(sessionCount, peer) >= perNode) {
        return new Refused("udp_allocation_limit");
      }
      return new Match(peerHere, from);
    }
    Pair mine = new Pair(from.key(), peer);
    Offer had = offers.get(mine);
    if (had == null && count(offerCount, from.key()) >= perNode) {
      return new Refused("udp_request_limit");
    }
    offers.put(mine, new Offer(from, now));
    if (had == null) {
      offerCount.merge(from.key(), 1, Integer::sum);
    }
    return new Offered();
  }

  /** Records a session made for a {@link Match}; the pair's requests are done. */
  void add(UdpSession s) {
    NodePublicKey a = s.sides[0].device.key();
    NodePublicKey b = s.sides[1].device.key();
    sessions.put(Set.of(a, b), s);
    sessionCount.merge(a, 1, Integer::sum);
    sessionCount.merge(b, 1, Integer::sum);
    dropOffer(new Pair(a, b));
    dropOffer(new Pair(b, a));
  }

  /** Forgets everything of {@code device} (its connection closed); returns sessions to close. */
  List<UdpSession> gone(ConnectedDevice device) {
    for (Iterator<Map.Entry<Pair, Offer>> it = offers.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (e.getValue().from() == device) {
        it.remove();
        decrement(offerCount, e.getKey().from());
      }
    }
    List<UdpSession> out = new ArrayList<>();
    for (UdpSession s : List.copyOf(sessions.values())) {
      if (s.sideOf(device) >= 0) {
        remove(s);
        out.add(s);
      }
    }
    return out;
  }

  /** Drops expired requests; returns the sessions idle too long (removed). */
  List<UdpSession> expire(long now) {
    for (Iterator<Map.Entry<Pair, Offer>> it = offers.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (now - e.getValue().at() > offerTtl) {
        it.remove();
        decrement(offerCount, e.getKey().from());
      }
    }
    List<UdpSession> out = new ArrayList<>();
    for (UdpSession s : List.copyOf(sessions.values())) {
      if (now - s.lastActive > idle) {
        remove(s);
        out.add(s);
      }
    }
    return out;
  }

  /** Sessions now. */
  int sessions() {
    return sessions.size();
  }

  /** Open requests now. */
  int offers() {
    return offers.size();
  }

  /** Every session (a copy). */
  List<UdpSession> all() {
    return List.copyOf(sessions.values());
  }

  private void remove(UdpSession s) {
    NodePublicKey a = s.sides[0].device.key();
    NodePublicKey b = s.sides[1].device.key();
    if (sessions.remove(Set.of(a, b), s)) {
      decrement(sessionCount, a);
      decrement(sessionCount, b);
    }
  }

  private void dropOffer(Pair p) {
    if (offers.remove(p) != null) {
      decrement(offerCount, p.from());
    }
  }

  private static int count(Map<NodePublicKey, Integer> m, NodePublicKey k) {
    return m.getOrDefault(k, 0);
  }

  private static void decrement(Map<NodePublicKey, Integer> m, NodePublicKey k) {
    m.computeIfPresent(k, (key, n) -> n <= 1 ? null : n - 1);
  }
}
