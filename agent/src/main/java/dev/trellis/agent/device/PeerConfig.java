package dev.trellis.agent.device;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.key.PresharedKey;
import dev.trellis.proto.net.IpPrefix;
import java.time.Duration;
import java.util.List;

/**
 * One peer in a {@link DeviceConfig}.
 *
 * @param publicKey the peer's static public key, which identifies it
 * @param presharedKey an optional preshared key, or {@code null}
 * @param allowedIps the prefixes this peer may send from and that are routed to it
 * @param endpoint where to send to until the peer roams, or {@code null} if unknown
 * @param persistentKeepalive how often to send a keepalive when idle; {@link Duration#ZERO} for
 *     never
 */
public record PeerConfig(
    NodePublicKey publicKey,
    PresharedKey presharedKey,
    List<IpPrefix> allowedIps,
    Endpoint endpoint,
    Duration persistentKeepalive) {
  public PeerConfig {
    if (publicKey == null) {
      throw new IllegalArgumentException("a peer needs a public key");
    }
    allowedIps = List.copyOf(allowedIps);
    if (persistentKeepalive == null) {
      persistentKeepalive = Duration.ZERO;
    }
    if (persistentKeepalive.isNegative() || persistentKeepalive.toSeconds() > 65535) {
      throw new IllegalArgumentException(
          "persistent keepalive out of range: " + persistentKeepalive);
    }
  }
}
