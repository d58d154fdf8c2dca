package dev.trellis.agent.netmap;

import dev.trellis.proto.control.v1.DnsConfig;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PacketFilter;
import dev.trellis.proto.control.v1.PeerPatch;
import dev.trellis.proto.control.v1.RelayMap;
import dev.trellis.proto.control.v1.UserProfile;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the node currently knows of its tailnet: itself and its peers by id, the relay map, its
 * inbound packet filter, the DNS configuration and the profiles of the users owning self and the
 * peers, as built from the netmap stream. {@link #apply} folds one frame into a new snapshot (full
 * replaces everything; peers added/removed/patched, self, filter, relay map and DNS changed are
 * deltas, and peers added bring their owners' profiles; keepalives change nothing). Frames the
 * daemon handles itself (reauth required, logged out) leave the map unchanged.
 *
 * @param self this node, or {@code null} before the first full frame
 * @param peers the visible peers by {@link Node#getId()}, in arrival order
 * @param version the netmap version of the last applied frame
 * @param resumeToken the token to resume the stream with, or empty
 * @param relayMap the relay regions (empty before the first full frame)
 * @param packetFilter this node's inbound packet filter (empty before the first full frame)
 * @param dns the DNS configuration (empty before the first full frame)
 * @param users the profiles of the owning users by {@link UserProfile#getUserId()} (a full frame
 *     replaces them, peers added add theirs; kept while a peer that names them may come back)
 *     <p>Thread-safety: immutable (the protobuf messages are immutable too).
 */
public record Netmap(
    Node self,
    Map<String, Node> peers,
    long version,
    String resumeToken,
    RelayMap relayMap,
    PacketFilter packetFilter,
    DnsConfig dns,
    Map<String, UserProfile> users) {
  /** Before the first frame. */
  public static final Netmap EMPTY = new Netmap(null, Map.of(), 0, "");

  public Netmap {
    peers = Collections.unmodifiableMap(new LinkedHashMap<>(peers));
    resumeToken = resumeToken == null ? "" : resumeToken;
    relayMap = relayMap == null ? RelayMap.getDefaultInstance() : relayMap;
    packetFilter = packetFilter == null ? PacketFilter.getDefaultInstance() : packetFilter;
    dns = dns == null ? DnsConfig.getDefaultInstance() : dns;
    users = users == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(users));
  }

  /** Without user profiles. */
  public Netmap(
      Node self,
      Map<String, Node> peers,
      long version,
      String resumeToken,
      RelayMap relayMap,
      PacketFilter packetFilter,
      DnsConfig dns) {
    this(self, peers, version, resumeToken, relayMap, packetFilter, dns, null);
  }

  /** Self and peers only; the relay map, filter and DNS are empty. */
  public Netmap(Node self, Map<String, Node> peers, long version, String resumeToken) {
    this(self, peers, version, resumeToken, null, null, null, null);
  }

  /** Whether a full frame has been applied. */
  public boolean hasSelf() {
    return self != null;
  }

  /**
   * Whether {@code other} holds the same tailnet: self, peers, relay map, filter, DNS and user
   * profiles (the version and resume token may differ, as they do after a keepalive).
   */
  public boolean sameContent(Netmap other) {
    return Objects.equals(self, other.self)
        && peers.equals(other.peers)
        && relayMap.equals(other.relayMap)
        && packetFilter.equals(other.packetFilter)
        && dns.equals(other.dns)
        && users.equals(other.users);
  }

  /**
   * Who owns {@code node}, as a person reads it: its tags when it has any ("tag:server,tag:db"),
   * else its user's login name, else the user's display name, else the user id; empty if none.
   */
  public String owner(Node node) {
    if (node.getTagsCount() > 0) {
      return String.join(",", node.getTagsList());
    }
    if (node.getUserId().isEmpty()) {
      return "";
    }
    UserProfile p = users.get(node.getUserId());
    if (p != null && !p.getLoginName().isEmpty()) {
      return p.getLoginName();
    }
    if (p != null && !p.getDisplayName().isEmpty()) {
      return p.getDisplayName();
    }
    return node.getUserId();
  }

  /** The snapshot after {@code frame}. */
  public Netmap apply(MapResponse frame) {
    Node nextSelf = self;
    Map<String, Node> next = new LinkedHashMap<>(peers);
    RelayMap nextRelays = relayMap;
    PacketFilter nextFilter = packetFilter;
    DnsConfig nextDns = dns;
    Map<String, UserProfile> nextUsers = new LinkedHashMap<>(users);
    switch (frame.getFrameCase()) {
      case FULL -> {
        nextSelf = frame.getFull().getSelf();
        next.clear();
        for (Node p : frame.getFull().getPeersList()) {
          next.put(p.getId(), p);
        }
        nextRelays = frame.getFull().getRelayMap();
        nextFilter = frame.getFull().getPacketFilter();
        nextDns = frame.getFull().getDns();
        nextUsers.clear();
        for (UserProfile u : frame.getFull().getUserProfilesList()) {
          nextUsers.put(u.getUserId(), u);
        }
      }
      case PEERS_ADDED -> {
        for (Node p : frame.getPeersAdded().getPeersList()) {
          next.put(p.getId(), p);
        }
        for (UserProfile u : frame.getPeersAdded().getUserProfilesList()) {
          nextUsers.put(u.getUserId(), u);
        }
      }
      case PEERS_REMOVED -> {
        for (String id : frame.getPeersRemoved().getNodeIdsList()) {
          next.remove(id);
        }
      }
      case PEER_PATCHES -> {
        for (PeerPatch patch : frame.getPeerPatches().getPatchesList()) {
          Node old = next.get(patch.getNodeId());
          if (old != null) {
            next.put(old.getId(), patched(old, patch));
          }
        }
      }
      case SELF_CHANGED -> nextSelf = frame.getSelfChanged();
      case RELAY_MAP_CHANGED -> nextRelays = frame.getRelayMapChanged();
      case PACKET_FILTER_CHANGED -> nextFilter = frame.getPacketFilterChanged();
      case DNS_CONFIG_CHANGED -> nextDns = frame.getDnsConfigChanged();
      default -> {
        // keepalive, reauth/logout (the daemon acts on them)
      }
    }
    long v = frame.getNetmapVersion() != 0 ? frame.getNetmapVersion() : version;
    String token = frame.getResumeToken().isEmpty() ? resumeToken : frame.getResumeToken();
    return new Netmap(nextSelf, next, v, token, nextRelays, nextFilter, nextDns, nextUsers);
  }

  /** {@code node} with every field {@code patch} sets replaced. */
  static Node patched(Node node, PeerPatch patch) {
    Node.Builder b = node.toBuilder();
    if (patch.hasEndpoints()) {
      b.clearEndpoints().addAllEndpoints(patch.getEndpoints().getEndpointsList());
    }
    if (patch.hasHomeRelayRegion()) {
      b.setHomeRelayRegion(patch.getHomeRelayRegion());
    }
    if (patch.hasNodeKey()) {
      b.setNodeKey(patch.getNodeKey());
    }
    if (patch.hasDiscoKey()) {
      b.setDiscoKey(patch.getDiscoKey());
    }
    if (patch.hasOnline()) {
      b.setOnline(patch.getOnline());
    }
    if (patch.hasLastSeen()) {
      b.setLastSeen(patch.getLastSeen());
    }
    if (patch.hasKeyExpiry()) {
      if (patch.getKeyExpiry().getSeconds() == 0 && patch.getKeyExpiry().getNanos() == 0) {
        b.clearKeyExpiry();
      } else {
        b.setKeyExpiry(patch.getKeyExpiry());
      }
    }
    if (patch.hasKeyExpired()) {
      b.setKeyExpired(patch.getKeyExpired());
    }
    return b.build();
  }
}
