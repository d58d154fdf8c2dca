package dev.trellis.agent.device;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.net.IpPrefix;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One peer's state as {@code wg show} prints it.
 *
 * @param publicKey the peer's public key
 * @param endpoint its current endpoint (after roaming), or {@code null} if unknown
 * @param latestHandshake when the latest handshake completed, or {@code null} if never
 * @param rxBytes transport bytes received from the peer (as wireguard-go counts: whole datagrams)
 * @param txBytes transport bytes sent to the peer
 * @param allowedIps the peer's allowed IPs
 * @param persistentKeepalive the keepalive interval, {@link Duration#ZERO} if off
 */
public record PeerStatus(
    NodePublicKey publicKey,
    Endpoint endpoint,
    Instant latestHandshake,
    long rxBytes,
    long txBytes,
    List<IpPrefix> allowedIps,
    Duration persistentKeepalive) {
  public PeerStatus {
    allowedIps = List.copyOf(allowedIps);
  }
}
