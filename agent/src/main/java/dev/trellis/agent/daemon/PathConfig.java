package dev.trellis.agent.daemon;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.device.DeviceConfig;
import dev.trellis.agent.device.PeerConfig;
import dev.trellis.agent.netmap.Netmap;
import dev.trellis.agent.paths.Paths;
import dev.trellis.agent.paths.PeerPathConfig;
import dev.trellis.proto.control.v1.EndpointType;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.key.NodePublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts the path layer between the netmap and WireGuard: tells {@link Paths} each peer's disco key,
 * endpoints and home relay, and gives the device each peer's virtual endpoint instead of a real
 * address.
 *
 * <p>Thread-safety: stateless.
 */
final class PathConfig {
  private PathConfig() {}

  /**
   * {@code device} with every peer's endpoint replaced by its virtual endpoint from {@code paths}.
   */
  static DeviceConfig throughPaths(DeviceConfig device, Netmap map, Paths paths) {
    List<PeerPathConfig> configs = new ArrayList<>();
    for (Node n : map.peers().values()) {
      if (n.getNodeKey().size() != 32) {
        continue;
      }
      List<Endpoint> eps = new ArrayList<>();
      List<java.net.InetAddress> publicAddresses = new ArrayList<>();
      for (var e : n.getEndpointsList()) {
        Endpoint ep = NetmapConfig.endpoint(e.getAddress());
        if (ep != null && !eps.contains(ep)) {
          eps.add(ep);
        }
        if (ep != null
            && (e.getType() == EndpointType.STUN || e.getType() == EndpointType.PORT_MAPPED)
            && !publicAddresses.contains(ep.address())) {
          publicAddresses.add(ep.address());
        }
      }
      DiscoPublicKey disco =
          n.getDiscoKey().size() == 32
              ? DiscoPublicKey.fromBytes(n.getDiscoKey().toByteArray())
              : null;
      configs.add(
          new PeerPathConfig(
              NodePublicKey.fromBytes(n.getNodeKey().toByteArray()),
              disco,
              eps,
              n.getHomeRelayRegion(),
              publicAddresses));
    }
    Map<NodePublicKey, Endpoint> virtual =
        paths.reconfigure(device.privateKey().publicKey(), configs);
    List<PeerConfig> peers = new ArrayList<>();
    for (PeerConfig p : device.peers()) {
      Endpoint v = virtual.get(p.publicKey());
      peers.add(
          new PeerConfig(
              p.publicKey(),
              p.presharedKey(),
              p.allowedIps(),
              v != null ? v : p.endpoint(),
              p.persistentKeepalive()));
    }
    return new DeviceConfig(device.privateKey(), device.listenPort(), peers);
  }
}
