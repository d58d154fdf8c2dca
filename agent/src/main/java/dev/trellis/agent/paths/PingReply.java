package dev.trellis.agent.paths;

import dev.trellis.agent.bind.Endpoint;
import java.time.Duration;

/**
 * One pong answering a {@code trellis ping}.
 *
 * @param direct the endpoint it came from when direct or through a UDP relay, or {@code null} when
 *     via the TLS relay
 * @param regionName the relay region's code when via a relay (TLS or UDP), else ""
 * @param latency the round trip
 */
public record PingReply(Endpoint direct, String regionName, Duration latency) {
  /** "via 192.0.2.1:41641", "via udp-relay:fra (192.0.2.9:3479)" or "via relay:fra". */
  public String via() {
    if (direct != null && !regionName.isEmpty()) {
      return "udp-relay:" + regionName + " (" + direct + ")";
    }
    return direct != null ? direct.toString() : "relay:" + regionName;
  }
}
