package dev.trellis.agent.daemon;

import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.PeerPatch;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the node currently knows of its tailnet: itself and its peers by id, as built from the
 * netmap stream. {@link #apply} folds one frame into a new snapshot (full replaces everything;
 * peers added/removed/patched and self changed are deltas; keepalives change nothing). Frames the
 * daemon handles itself (reauth required, logged out) leave the map unchanged.
 *
 * @param self this node, or {@code null} before the first full frame
 * @param peers the visible peers by {@link Node#getId()}, in arrival order
 * @param version the netmap version of the last applied frame
 * @param resumeToken the token to resume the stream with, or empty
 *     <p>Thread-safety: immutable.
 */
public record Netmap(Node self, Map<String, Node> peers, long version, String resumeToken) {
  /** Before the first frame. */
  public static final Netmap EMPTY = new Netmap(null, Map.of(), 0, "");

  public Netmap {
    peers = Collections.unmodifiableMap(new LinkedHashMap<>(peers));
    resumeToken = resumeToken == null ? "" : resumeToken;
  }

  /** Whether a full frame has been applied. */
  public boolean hasSelf() {
    return self != null;
  }

  /** The snapshot after {@code frame}. */
  public Netmap apply(MapResponse frame) {
    Node nextSelf = self;
    Map<String, Node> next = new LinkedHashMap<>(peers);
    switch (frame.getFrameCase()) {
      case FULL -> {
        nextSelf = frame.getFull().getSelf();
        next.clear();
        for (Node p : frame.getFull().getPeersList()) {
          next.put(p.getId(), p);
        }
      }
      case PEERS_ADDED -> {
        for (Node p : frame.getPeersAdded().getPeersList()) {
          next.put(p.getId(), p);
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
      default -> {
        // keepalive, reauth/logout (the daemon acts on them), filter/relay/DNS: not used yet
      }
    }
    long v = frame.getNetmapVersion() != 0 ? frame.getNetmapVersion() : version;
    String token = frame.getResumeToken().isEmpty() ? resumeToken : frame.getResumeToken();
    return new Netmap(nextSelf, next, v, token);
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
