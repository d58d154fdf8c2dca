package dev.trellis.agent.paths;

import dev.trellis.agent.bind.Endpoint;
import java.time.Duration;

/**
 * How traffic to one peer flows right now.
 *
 * @param kind "direct", "udp-relay", "relay" or "idle" (no traffic for a while and no direct path)
 * @param direct the direct endpoint in use (the relay's session endpoint for "udp-relay"), or
 *     {@code null}
 * @param region the relay region used when not direct (0 if none)
 * @param regionName the region's short code, or "" when none
 * @param latency the round trip of the last pong on the direct (or UDP relay) path, or {@code null}
 */
public record PathStatus(
    String kind, Endpoint direct, int region, String regionName, Duration latency) {

  /**
   * {@code direct}, {@code udp-relay:<region>}, {@code relay:<region>} or {@code idle}, as {@code
   * trellis status} shows.
   */
  public String connection() {
    return switch (kind) {
      case "direct" -> "direct";
      case "udp-relay" -> "udp-relay:" + (regionName.isEmpty() ? "none" : regionName);
      case "relay" -> "relay:" + (regionName.isEmpty() ? "none" : regionName);
      default -> "idle";
    };
  }
}
