package dev.trellis.agent.localapi;

import dev.trellis.agent.device.PeerStatus;
import dev.trellis.proto.key.NodePublicKey;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code trellis wg show} prints: one interface and its peers, plus named counters (device
 * drops and events, TUN/UDP drops, and the agent process's CPU and allocation figures).
 *
 * @param name the TUN interface name
 * @param publicKey the device's public key, or {@code null} if unconfigured
 * @param listenPort the UDP port
 * @param peers the peers in configuration order
 * @param counters named counters in a stable order
 */
public record InterfaceStatus(
    String name,
    NodePublicKey publicKey,
    int listenPort,
    List<PeerStatus> peers,
    Map<String, Long> counters) {
  public InterfaceStatus {
    peers = List.copyOf(peers);
    counters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counters));
  }
}
