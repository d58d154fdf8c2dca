package dev.trellis.agent.device;

import dev.trellis.proto.key.NodePrivateKey;
import java.util.List;

/**
 * A complete, immutable snapshot of a WireGuard device's configuration, handed to the device in one
 * {@code reconfigure} call. The standalone mode builds it from a WireGuard config file; the daemon
 * builds it from the netmap.
 *
 * @param privateKey this device's static private key
 * @param listenPort the UDP port to listen on, 0 for any free port
 * @param peers the peers, at most one per public key
 */
public record DeviceConfig(NodePrivateKey privateKey, int listenPort, List<PeerConfig> peers) {
  public DeviceConfig {
    if (privateKey == null) {
      throw new IllegalArgumentException("a device needs a private key");
    }
    if (listenPort < 0 || listenPort > 65535) {
      throw new IllegalArgumentException("listen port out of range: " + listenPort);
    }
    peers = List.copyOf(peers);
  }
}
