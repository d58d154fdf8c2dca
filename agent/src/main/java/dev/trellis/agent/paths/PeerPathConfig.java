package dev.trellis.agent.paths;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.key.NodePublicKey;
import java.net.InetAddress;
import java.util.List;

/**
 * What the netmap says about reaching one peer.
 *
 * @param nodeKey its node (WireGuard) key
 * @param discoKey its disco key, or {@code null} if it has not reported one (then only the relay
 *     and its first endpoint are used, without discovery)
 * @param endpoints the UDP endpoints it reported
 * @param homeRegion its home relay region, 0 if none
 * @param publicAddresses the addresses of its endpoints that a NAT gave it (STUN-observed or port
 *     mapped): where birthday probes go ({@link BirthdayProbe})
 */
public record PeerPathConfig(
    NodePublicKey nodeKey,
    DiscoPublicKey discoKey,
    List<Endpoint> endpoints,
    int homeRegion,
    List<InetAddress> publicAddresses) {
  public PeerPathConfig {
    if (nodeKey == null) {
      throw new IllegalArgumentException("a peer path needs the peer's node key");
    }
    endpoints = List.copyOf(endpoints);
    publicAddresses = List.copyOf(publicAddresses);
  }

  /** A peer whose endpoints' kinds are unknown (no public address known as such). */
  public PeerPathConfig(
      NodePublicKey nodeKey, DiscoPublicKey discoKey, List<Endpoint> endpoints, int homeRegion) {
    this(nodeKey, discoKey, endpoints, homeRegion, List.of());
  }
}
