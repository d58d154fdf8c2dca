package dev.trellis.load.control;

import com.google.protobuf.Message;
import dev.trellis.proto.control.v1.DnsConfig;
import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PacketFilter;
import dev.trellis.proto.control.v1.PeerPatch;
import dev.trellis.proto.control.v1.RelayMap;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A simulated device's own copy of its netmap, built from the full frame and the deltas: self, the
 * peers (indexed by {@link NodeIds}), packet filter, relay map and DNS config. It can be compared
 * with a fresh full netmap ({@link #diff}) and summarized by an order-independent 64-bit digest
 * ({@link #digest}) kept up to date at every change, so a device's past states can be matched
 * against a full fetched a moment later. User profiles and the tailnet name are not compared.
 *
 * <p>Messages are interned across every device ({@link #intern}), so a thousand devices holding the
 * same peer hold one object; ten thousand netmaps of ten thousand peers cost the index arrays.
 *
 * <p>Thread-safety: not thread-safe; the owning {@link SimDevice} guards it.
 */
final class NetmapCopy {
  private static final ConcurrentHashMap<Message, Interned> INTERNED = new ConcurrentHashMap<>();

  /** An interned message and the 64-bit hash of its bytes. */
  record Interned(Message message, long hash) {}

  private final NodeIds ids;
  private Interned self;
  private Interned filter;
  private Interned relays;
  private Interned dns;
  private Interned[] peers = new Interned[64];
  private int peerCount;
  private long peersDigest;

  NetmapCopy(NodeIds ids) {
    this.ids = ids;
  }

  /** The one shared instance of {@code m} (by value) with its hash. */
  static Interned intern(Message m) {
    Interned i = INTERNED.get(m);
    if (i != null) {
      return i;
    }
    return INTERNED.computeIfAbsent(m, k -> new Interned(k, hash(k.toByteArray())));
  }

  /** Replaces everything with {@code full}. */
  void full(FullNetmap full) {
    Arrays.fill(peers, null);
    peerCount = 0;
    peersDigest = 0;
    self = intern(full.getSelf());
    filter = intern(full.getPacketFilter());
    relays = intern(full.getRelayMap());
    dns = intern(full.getDns());
    for (Node p : full.getPeersList()) {
      put(p);
    }
  }

  /** Adds or replaces a peer. */
  void put(Node peer) {
    int i = ids.index(peer.getId());
    if (i >= peers.length) {
      peers = Arrays.copyOf(peers, Math.max(i + 1, peers.length * 2));
    }
    Interned old = peers[i];
    Interned now = intern(peer);
    if (old != null) {
      peersDigest -= mix(old.hash());
    } else {
      peerCount++;
    }
    peers[i] = now;
    peersDigest += mix(now.hash());
  }

  /** Removes a peer; false if it was not there. */
  boolean remove(String id) {
    int i = ids.index(id);
    if (i >= peers.length || peers[i] == null) {
      return false;
    }
    peersDigest -= mix(peers[i].hash());
    peers[i] = null;
    peerCount--;
    return true;
  }

  /** Applies one peer's field patch; false if the peer is unknown. */
  boolean patch(PeerPatch p) {
    Node old = peer(ids.index(p.getNodeId()));
    if (old == null) {
      return false;
    }
    Node.Builder b = old.toBuilder();
    if (p.hasEndpoints()) {
      b.clearEndpoints().addAllEndpoints(p.getEndpoints().getEndpointsList());
    }
    if (p.hasHomeRelayRegion()) {
      b.setHomeRelayRegion(p.getHomeRelayRegion());
    }
    if (p.hasNodeKey()) {
      b.setNodeKey(p.getNodeKey());
    }
    if (p.hasDiscoKey()) {
      b.setDiscoKey(p.getDiscoKey());
    }
    if (p.hasOnline()) {
      b.setOnline(p.getOnline());
    }
    if (p.hasLastSeen()) {
      b.setLastSeen(p.getLastSeen());
    }
    if (p.hasKeyExpiry()) {
      if (p.getKeyExpiry().getSeconds() == 0 && p.getKeyExpiry().getNanos() == 0) {
        b.clearKeyExpiry();
      } else {
        b.setKeyExpiry(p.getKeyExpiry());
      }
    }
    if (p.hasKeyExpired()) {
      b.setKeyExpired(p.getKeyExpired());
    }
    put(b.build());
    return true;
  }

  void self(Node n) {
    self = intern(n);
  }

  void filter(PacketFilter f) {
    filter = intern(f);
  }

  void relays(RelayMap r) {
    relays = intern(r);
  }

  void dns(DnsConfig d) {
    dns = intern(d);
  }

  /** The relay map (empty before the first full). */
  RelayMap relayMap() {
    return relays == null ? RelayMap.getDefaultInstance() : (RelayMap) relays.message();
  }

  /** The peer at {@code index}, or null. */
  Node peer(int index) {
    return index < peers.length && peers[index] != null ? (Node) peers[index].message() : null;
  }

  int peerCount() {
    return peerCount;
  }

  /** An order-independent digest of the whole copy (0 before the first full). */
  long digest() {
    if (self == null) {
      return 0;
    }
    return peersDigest
        + 31 * mix(self.hash())
        + 37 * mix(filter.hash() ^ 0x5bd1e995L)
        + 41 * mix(relays.hash() ^ 0x27d4eb2fL)
        + 43 * mix(dns.hash() ^ 0x165667b1L);
  }

  /** The digest {@code full} would give as a copy. */
  static long digestOf(FullNetmap full, NodeIds ids) {
    NetmapCopy c = new NetmapCopy(ids);
    c.full(full);
    return c.digest();
  }

  /** Null if this copy equals {@code full}; otherwise what differs first. */
  String diff(FullNetmap full) {
    return diff(full, i -> false);
  }

  /**
   * Like {@link #diff(FullNetmap)} but ignoring the peers {@code excused} (by index): those with a
   * change in flight while the full was fetched.
   */
  String diff(FullNetmap full, java.util.function.IntPredicate excused) {
    if (self == null) {
      return "no full netmap yet";
    }
    if (!self.message().equals(full.getSelf())) {
      return "self differs: " + firstDifference((Node) self.message(), full.getSelf());
    }
    if (!filter.message().equals(full.getPacketFilter())) {
      return "packet filter differs";
    }
    if (!relays.message().equals(full.getRelayMap())) {
      return "relay map differs";
    }
    if (!dns.message().equals(full.getDns())) {
      return "DNS config differs";
    }
    int theirs = 0;
    for (Node p : full.getPeersList()) {
      int i = ids.index(p.getId());
      if (excused.test(i)) {
        continue;
      }
      theirs++;
      Node mine = peer(i);
      if (mine == null) {
        return "peer " + p.getId() + " missing";
      }
      if (!mine.equals(p)) {
        return "peer " + p.getId() + " differs: " + firstDifference(mine, p);
      }
    }
    int ours = 0;
    for (int i = 0; i < peers.length; i++) {
      if (peers[i] != null && !excused.test(i)) {
        ours++;
      }
    }
    if (ours != theirs) {
      return "has " + ours + " peers, the full netmap " + theirs + " (beside those in flight)";
    }
    return null;
  }

  private static String firstDifference(Node a, Node b) {
    for (var f : Node.getDescriptor().getFields()) {
      Object x = a.getField(f);
      Object y = b.getField(f);
      if (!x.equals(y) || !f.isRepeated() && a.hasField(f) != b.hasField(f)) {
        return f.isRepeated()
                || f.getJavaType()
                    == com.google.protobuf.Descriptors.FieldDescriptor.JavaType.MESSAGE
            ? f.getName()
            : f.getName() + " (here " + x + ", fresh " + y + ")";
      }
    }
    return "unknown field";
  }

  /** 64-bit FNV-1a over {@code bytes}, then mixed. */
  private static long hash(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return mix(h);
  }

  /** A 64-bit finalizer (splitmix64) so sums of hashes do not cancel by structure. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
