package dev.trellis.agent.paths.netcheck;

import dev.trellis.agent.bind.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What {@link Netcheck} found.
 *
 * @param udp whether any STUN server answered over UDP
 * @param publicEndpoints the distinct mapped addresses STUN servers saw (the NAT's mappings)
 * @param mappingVariesByDestination whether two servers saw different mappings (an
 *     endpoint-dependent, "hard" NAT); {@code null} when fewer than two answered
 * @param latency the best STUN round trip per region id (regions that did not answer are absent)
 * @param regionNames region id to its code
 * @param preferredRegion the region with the lowest latency (not avoided), else the first usable
 *     region, else 0
 */
public record NetcheckReport(
    boolean udp,
    List<Endpoint> publicEndpoints,
    Boolean mappingVariesByDestination,
    Map<Integer, Duration> latency,
    Map<Integer, String> regionNames,
    int preferredRegion) {
  public NetcheckReport {
    publicEndpoints = List.copyOf(publicEndpoints);
    latency = Map.copyOf(latency);
    regionNames = Map.copyOf(regionNames);
  }
}
