package dev.trellis.agent.paths;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.key.NodePublicKey;
import java.util.List;

/**
 * What the netmap says about reaching one peer.
 *
 * @param nodeKey its node (WireGuard) key
 * @param discoKey its disco key, or {@code null} if it has not reported one (then only the relay
 *     and its first endpoint are used, without discovery)
 * @param endpoints the UDP endpoints it reported
 * @param homeRegion its home relay region, 0 if none
 */
public record PeerPathConfig(
    NodePublicKey nodeKey, DiscoPublicKey discoKey, List<Endpoint> endpoints, int homeRegion) {
  public PeerPathConfig {
    if (nodeKey == null) {
      throw new IllegalArgumentException("a peer path needs the peer's node key");
    }
    endpoints = List.copyOf(endpoints);
  }
}
