package dev.trellis.coordinator.netmap;

import com.google.protobuf.Timestamp;
import dev.trellis.proto.control.v1.DnsConfig;
import dev.trellis.proto.control.v1.DnsRecord;
import dev.trellis.proto.control.v1.EndpointList;
import dev.trellis.proto.control.v1.FullNetmap;
import dev.trellis.proto.control.v1.LoggedOut;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PeerPatch;
import dev.trellis.proto.control.v1.PeerPatches;
import dev.trellis.proto.control.v1.PeersAdded;
import dev.trellis.proto.control.v1.PeersRemoved;
import dev.trellis.proto.control.v1.ReauthRequired;
import dev.trellis.proto.control.v1.RelayMap;
import dev.trellis.proto.control.v1.Resolvers;
import dev.trellis.proto.control.v1.UserProfile;
import dev.trellis.proto.event.v1.DnsExtraRecord;
import dev.trellis.proto.event.v1.DnsSettings;
import dev.trellis.proto.net.AdvertisedRoutes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the model into netmap frames: the full netmap of one node, and the delta frames one change
 * means for one viewer (work proportional to the viewers, never a rebuilt netmap). Frames carry no
 * version, token or time; the session stamps them.
 *
 * <p>Delta rules for viewer V and changed node N: N = V removed → LoggedOut; N = V newly revoked or
 * expired → ReauthRequired; N = V newly authorized → SelfChanged + PeersAdded (all it now sees); N
 * = V no longer authorized → SelfChanged + PeersRemoved; other changes of V → SelfChanged, with
 * PeersAdded/PeersRemoved when the change altered whom V may see (a retag, routes coming into
 * force). For N ≠ V: newly visible → PeersAdded; no longer visible → PeersRemoved; still visible →
 * PeerPatches with the patchable fields that changed, or PeersAdded with the whole node (a
 * replacement of a known id) when a field without a patch changed (name, tags, addresses, host
 * info, owner, routes in force or primary).
 *
 * <p>Thread-safety: not thread-safe (a cache of built peer messages); owned by the model's thread.
 */
public final class NetmapFrames {
  private final PeerVisibility visibility;

  /** A node's control-API message as built for one NodeView instance (views are immutable). */
  private record Built(NodeView view, TailnetView tailnet, String suffix, Node node) {}

  /**
   * From this many peers on, a full netmap carries its peers already encoded: each peer's bytes are
   * written as field 2 ({@code peers}) through the message's unknown fields, so a netmap of N peers
   * costs N copies of cached bytes instead of N messages encoded field by field. On the wire it is
   * the same message; whoever parses it sees {@code peers}. (Server-side code that reads a built
   * full netmap's peers must look at unknown field 2 too, as {@code NetmapParts} does.)
   */
  public static final int ENCODED_PEERS_FROM = 256;

  private record Encoded(Node node, com.google.protobuf.ByteString bytes) {}

  private final Map<String, Encoded> encoded = new java.util.HashMap<>();

  private final Map<String, Built> built = new java.util.HashMap<>();

  private ModelChange.NodeChanged memoFor;
  private MapResponse memoAdded;
  private MapResponse memoRemoved;
  private List<MapResponse> memoPatch;

  public NetmapFrames(PeerVisibility visibility) {
    this.visibility = visibility;
  }

  /**
   * {@link #node} of {@code n}, built once per node version and shared by every netmap and delta
   * that carries it: N devices opening their streams at once cost N lists of references, not N x N
   * messages built (and each message's serialized size is computed once).
   */
  /** {@link #peerNode}'s wire bytes, encoded once per node version. */
  private com.google.protobuf.ByteString peerBytes(NodeView n, TailnetView t) {
    Node node = peerNode(n, t);
    Encoded e = encoded.get(n.id());
    if (e == null || e.node() != node) {
      e = new Encoded(node, node.toByteString());
      encoded.put(n.id(), e);
      if (encoded.size() > built.size()) {
        encoded.keySet().retainAll(built.keySet());
      }
    }
    return e.bytes();
  }

  private Node peerNode(NodeView n, TailnetView t) {
    Built b = built.get(n.id());
    if (b != null
        && b.view() == n
        && b.tailnet() == t
        && b.suffix().equals(t.magicDnsSuffix() + "/" + t.name())) {
      return b.node();
    }
    Node node = node(n, t);
    if (built.size() > 2 * t.nodes().size() + 1024) {
      built.values().removeIf(x -> x.tailnet().nodes().get(x.view().id()) != x.view());
    }
    built.put(n.id(), new Built(n, t, t.magicDnsSuffix() + "/" + t.name(), node));
    return node;
  }

  /** The complete netmap of {@code self}, without relays. */
  public FullNetmap full(NodeView self, TailnetView tailnet) {
    return full(self, tailnet, RelayMap.getDefaultInstance());
  }

  /** The complete netmap of {@code self} with the relay map {@code relays}. */
  public FullNetmap full(NodeView self, TailnetView tailnet, RelayMap relays) {
    FullNetmap.Builder b =
        FullNetmap.newBuilder()
            .setSelf(node(self, tailnet))
            .setRelayMap(relays)
            .setDns(dns(tailnet))
            .setPacketFilter(visibility.filterFor(self, tailnet))
            .setTailnetName(tailnet.name());
    Map<String, UserProfile> profiles = new LinkedHashMap<>();
    addProfile(self, tailnet, profiles);
    java.util.function.Predicate<NodeView> seen = visibility.seenBy(self);
    boolean encode = tailnet.nodes().size() >= ENCODED_PEERS_FROM;
    com.google.protobuf.UnknownFieldSet.Field.Builder peers =
        encode ? com.google.protobuf.UnknownFieldSet.Field.newBuilder() : null;
    for (NodeView peer : tailnet.nodes().values()) {
      if (seen.test(peer)) {
        if (encode) {
          peers.addLengthDelimited(peerBytes(peer, tailnet));
        } else {
          b.addPeers(peerNode(peer, tailnet));
        }
        addProfile(peer, tailnet, profiles);
      }
    }
    if (encode) {
      b.setUnknownFields(
          com.google.protobuf.UnknownFieldSet.newBuilder()
              .addField(FullNetmap.PEERS_FIELD_NUMBER, peers.build())
              .build());
    }
    return b.addAllUserProfiles(profiles.values()).build();
  }

  /** The frames {@code change} means for {@code viewer} (current state); empty if none. */
  public List<MapResponse> delta(NodeView viewer, ModelChange.NodeChanged change, TailnetView t) {
    NodeView before = change.before();
    NodeView after = change.after();
    List<MapResponse> out = new ArrayList<>();
    if (change.nodeId().equals(viewer.id())) {
      self(change, t, out);
      return out;
    }
    boolean was = before != null && visibility.sees(viewer, before);
    boolean is = after != null && visibility.sees(viewer, after);
    if (change != memoFor) {
      // The frames below are the same for every viewer of this change: built once, not per viewer.
      memoFor = change;
      memoAdded = null;
      memoRemoved = null;
      memoPatch = null;
    }
    if (!was && is) {
      out.add(memoAdded != null ? memoAdded : (memoAdded = added(List.of(after), t)));
    } else if (was && !is) {
      if (memoRemoved == null) {
        memoRemoved =
            MapResponse.newBuilder()
                .setPeersRemoved(PeersRemoved.newBuilder().addNodeIds(before.id()))
                .build();
      }
      out.add(memoRemoved);
    } else if (was) {
      if (!sameUnpatchable(before, after)) {
        out.add(memoAdded != null ? memoAdded : (memoAdded = added(List.of(after), t)));
      } else {
        if (memoPatch == null) {
          PeerPatch patch = patch(before, after);
          memoPatch =
              patch == null
                  ? List.of()
                  : List.of(
                      MapResponse.newBuilder()
                          .setPeerPatches(PeerPatches.newBuilder().addPatches(patch))
                          .build());
        }
        out.addAll(memoPatch);
      }
    }
    return out;
  }

  private void self(ModelChange.NodeChanged change, TailnetView t, List<MapResponse> out) {
    NodeView before = change.before();
    NodeView after = change.after();
    if (after == null) {
      out.add(loggedOut("NODE_LOGGED_OUT", "This node was removed from the tailnet."));
      return;
    }
    if (after.revoked() && (before == null || !before.revoked())) {
      out.add(reauth("NODE_KEY_REVOKED", "The node key has been revoked; log in again."));
      return;
    }
    if (after.expired() && (before == null || !before.expired())) {
      out.add(reauth("NODE_KEY_EXPIRED", "The node key has expired; log in again."));
      return;
    }
    if (before != null && node(before, t).equals(node(after, t))) {
      return;
    }
    out.add(MapResponse.newBuilder().setSelfChanged(node(after, t)).build());
    boolean wasAuth = before != null && before.authorized();
    if (!wasAuth && after.authorized()) {
      List<NodeView> peers = new ArrayList<>();
      java.util.function.Predicate<NodeView> seen = visibility.seenBy(after);
      for (NodeView p : candidates(change, t)) {
        if (seen.test(p)) {
          peers.add(p);
        }
      }
      if (!peers.isEmpty()) {
        out.add(added(peers, t));
      }
      out.add(
          MapResponse.newBuilder().setPacketFilterChanged(visibility.filterFor(after, t)).build());
    } else if (wasAuth && after.authorized()) {
      // Still authorized: its own change (a retag, routes coming into force) may change whom the
      // policy lets it see.
      List<java.util.Set<String>> own = visibility.ownPeersChangedBy(change);
      List<NodeView> gained = new ArrayList<>();
      for (String id : new java.util.TreeSet<>(own.get(0))) {
        NodeView p = t.nodes().get(id);
        if (p != null && visibility.sees(after, p)) {
          gained.add(p);
        }
      }
      if (!gained.isEmpty()) {
        out.add(added(gained, t));
      }
      if (!own.get(1).isEmpty()) {
        out.add(peersRemoved(new java.util.TreeSet<>(own.get(1))));
      }
    }
    if (wasAuth && !after.authorized()) {
      PeersRemoved.Builder removed = PeersRemoved.newBuilder();
      for (NodeView p : candidates(change, t)) {
        if (visibility.sees(before, p)) {
          removed.addNodeIds(p.id());
        }
      }
      if (removed.getNodeIdsCount() > 0) {
        out.add(MapResponse.newBuilder().setPeersRemoved(removed).build());
      }
    }
  }

  /**
   * The nodes that may have seen the changed node or see it now (its peers, by symmetry), by id:
   * from the visibility when it knows them, else every node of the tailnet.
   */
  private java.util.Collection<NodeView> candidates(ModelChange.NodeChanged change, TailnetView t) {
    var ids = visibility.viewersOf(change);
    if (ids.isEmpty()) {
      return t.nodes().values();
    }
    List<NodeView> out = new ArrayList<>(ids.get().size());
    for (String id : new java.util.TreeSet<>(ids.get())) {
      NodeView n = t.nodes().get(id);
      if (n != null) {
        out.add(n);
      }
    }
    return out;
  }

  /** The packet_filter_changed frame of {@code viewer}. */
  public MapResponse filterChanged(NodeView viewer, TailnetView t) {
    return MapResponse.newBuilder().setPacketFilterChanged(visibility.filterFor(viewer, t)).build();
  }

  /** The PeersAdded frame with these (whole) peers. */
  public MapResponse peersAdded(List<NodeView> peers, TailnetView t) {
    return added(peers, t);
  }

  /** The PeersRemoved frame of these node ids. */
  public static MapResponse peersRemoved(java.util.Collection<String> ids) {
    return MapResponse.newBuilder()
        .setPeersRemoved(PeersRemoved.newBuilder().addAllNodeIds(ids))
        .build();
  }

  /** The nodes the node change may touch, or empty if unknown (from the visibility). */
  public java.util.Optional<java.util.Collection<String>> viewersOf(
      ModelChange.NodeChanged change) {
    return visibility.viewersOf(change);
  }

  /** The nodes whose filter the node change changed (from the visibility). */
  public java.util.Set<String> filtersChangedBy(ModelChange.NodeChanged change) {
    return visibility.filtersChangedBy(change);
  }

  /** The frame for every session of a tailnet whose DNS configuration changed. */
  public MapResponse dnsChanged(TailnetView t) {
    return MapResponse.newBuilder().setDnsConfigChanged(dns(t)).build();
  }

  /** The frame for every session when the relay fleet changed. */
  public static MapResponse relayMapChanged(RelayMap relays) {
    return MapResponse.newBuilder().setRelayMapChanged(relays).build();
  }

  /** The ReauthRequired frame. */
  public static MapResponse reauth(String code, String message) {
    return MapResponse.newBuilder()
        .setReauthRequired(ReauthRequired.newBuilder().setReasonCode(code).setMessage(message))
        .build();
  }

  /** The LoggedOut frame. */
  public static MapResponse loggedOut(String code, String message) {
    return MapResponse.newBuilder()
        .setLoggedOut(LoggedOut.newBuilder().setReasonCode(code).setMessage(message))
        .build();
  }

  private MapResponse added(List<NodeView> peers, TailnetView t) {
    PeersAdded.Builder b = PeersAdded.newBuilder();
    Map<String, UserProfile> profiles = new LinkedHashMap<>();
    for (NodeView p : peers) {
      b.addPeers(peerNode(p, t));
      addProfile(p, t, profiles);
    }
    return MapResponse.newBuilder().setPeersAdded(b.addAllUserProfiles(profiles.values())).build();
  }

  private static void addProfile(NodeView n, TailnetView t, Map<String, UserProfile> out) {
    if (!n.userId().isEmpty()) {
      UserProfile p = t.users().get(n.userId());
      out.put(n.userId(), p != null ? p : UserProfile.newBuilder().setUserId(n.userId()).build());
    }
  }

  private static boolean sameUnpatchable(NodeView a, NodeView b) {
    return a.name().equals(b.name())
        && a.tags().equals(b.tags())
        && a.userId().equals(b.userId())
        && a.ipv4().equals(b.ipv4())
        && a.ipv6().equals(b.ipv6())
        && a.hostInfo().equals(b.hostInfo())
        && a.approved() == b.approved()
        && a.routes().inForce().equals(b.routes().inForce())
        && a.routes().primary().equals(b.routes().primary());
  }

  /** The field-by-field patch from {@code a} to {@code b}; null if nothing patchable changed. */
  static PeerPatch patch(NodeView a, NodeView b) {
    PeerPatch.Builder p = PeerPatch.newBuilder().setNodeId(b.id());
    boolean any = false;
    if (!a.endpoints().equals(b.endpoints())) {
      p.setEndpoints(EndpointList.newBuilder().addAllEndpoints(b.endpoints()));
      any = true;
    }
    if (a.homeRelay() != b.homeRelay()) {
      p.setHomeRelayRegion(b.homeRelay());
      any = true;
    }
    if (!a.nodeKey().equals(b.nodeKey())) {
      p.setNodeKey(b.nodeKey());
      any = true;
    }
    if (!a.discoKey().equals(b.discoKey())) {
      p.setDiscoKey(b.discoKey());
      any = true;
    }
    if (a.online() != b.online()) {
      p.setOnline(b.online());
      any = true;
    }
    if (!Objects.equals(a.lastSeen(), b.lastSeen()) && b.lastSeen() != null) {
      p.setLastSeen(ts(b.lastSeen()));
      any = true;
    }
    if (!Objects.equals(a.keyExpiry(), b.keyExpiry())) {
      p.setKeyExpiry(b.keyExpiry() == null ? Timestamp.getDefaultInstance() : ts(b.keyExpiry()));
      any = true;
    }
    if (a.expired() != b.expired()) {
      p.setKeyExpired(b.expired());
      any = true;
    }
    return any ? p.build() : null;
  }

  /** The control-API Node of {@code n}. */
  public static Node node(NodeView n, TailnetView t) {
    Node.Builder b =
        Node.newBuilder()
            .setId(n.id())
            .setStableId(n.id())
            .setName(t.fqdn(n.name()))
            .setNodeKey(n.nodeKey())
            .setDiscoKey(n.discoKey())
            .setMachineKey(n.machineKey())
            .addAllEndpoints(n.endpoints())
            .setHomeRelayRegion(n.homeRelay())
            .setOnline(n.online())
            .addAllTags(n.tags())
            .setUserId(n.userId())
            .setHostInfo(n.hostInfo())
            .setKeyExpired(n.expired() || n.revoked())
            .setMachineAuthorized(n.approved());
    if (!n.ipv4().isEmpty()) {
      b.addAddresses(n.ipv4() + "/32").addAllowedIps(n.ipv4() + "/32");
    }
    if (!n.ipv6().isEmpty()) {
      b.addAddresses(n.ipv6() + "/128").addAllowedIps(n.ipv6() + "/128");
    }
    // Routes: the subnets it is the primary router of, and the default routes of an exit node.
    NodeView.DerivedRoutes r = n.routes();
    b.addAllPrimaryRoutes(r.primary()).addAllApprovedRoutes(r.inForce());
    b.addAllAllowedIps(r.primary());
    if (r.exitNode()) {
      b.addAllowedIps(AdvertisedRoutes.EXIT_V4.toString())
          .addAllowedIps(AdvertisedRoutes.EXIT_V6.toString());
    }
    if (n.lastSeen() != null) {
      b.setLastSeen(ts(n.lastSeen()));
    }
    if (n.keyExpiry() != null) {
      b.setKeyExpiry(ts(n.keyExpiry()));
    }
    return b.build();
  }

  /** The DNS configuration devices of {@code t} get, from its DNS settings. */
  public static DnsConfig dns(TailnetView t) {
    DnsSettings s = t.dns();
    DnsConfig.Builder b =
        DnsConfig.newBuilder()
            .setMagicDnsEnabled(!s.hasMagicDns() || s.getMagicDns())
            .setMagicDnsSuffix(t.magicDnsSuffix())
            .addAllResolvers(s.getNameserversList())
            .addAllSearchDomains(s.getSearchDomainsList());
    for (var route : new java.util.TreeMap<>(s.getRoutesMap()).entrySet()) {
      b.putRoutes(
          route.getKey(),
          Resolvers.newBuilder().addAllAddresses(route.getValue().getAddressesList()).build());
    }
    for (DnsExtraRecord r : s.getExtraRecordsList()) {
      b.addExtraRecords(
          DnsRecord.newBuilder().setName(r.getName()).setType(r.getType()).setValue(r.getValue()));
    }
    return b.build();
  }

  static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
