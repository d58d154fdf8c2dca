package dev.trellis.agent.paths;

import dev.trellis.agent.bind.Endpoint;
import java.time.Duration;

/**
 * One pong answering a {@code trellis ping}.
 *
 * @param direct the endpoint it came from when direct, or {@code null} when via the relay
 * @param regionName the relay region's code when via the relay, else ""
 * @param latency the round trip
 */
public record PingReply(Endpoint direct, String regionName, Duration latency) {
  /** "via 192.0.2.1:41641" or "via relay:fra". */
  public String via() {
    return direct != null ? direct.toString() : "relay:" + regionName;
  }
}
