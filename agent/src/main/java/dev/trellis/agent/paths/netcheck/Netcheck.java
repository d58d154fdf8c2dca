package dev.trellis.agent.paths.netcheck;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.proto.control.v1.RelayMap;
import dev.trellis.proto.control.v1.RelayNode;
import dev.trellis.proto.control.v1.RelayRegion;
import dev.trellis.proto.net.IpLiteral;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * A network check: sends a STUN binding request to every STUN server of the relay map (from the
 * WireGuard socket, so the mappings seen are the ones peers can use), all at once, and reports
 * whether UDP works, the public mappings, whether the mapping varies by destination, latency per
 * region and the preferred (home) region.
 *
 * <p>Thread-safety: stateless; {@link #run} blocks its caller for at most the timeout.
 */
public final class Netcheck {
  private Netcheck() {}

  /**
   * Runs the check. {@code stun} sends one request to a server and completes with the mapped
   * address (e.g. {@code paths::stun}).
   */
  public static NetcheckReport run(
      RelayMap map,
      BiFunction<Endpoint, Duration, CompletableFuture<Endpoint>> stun,
      Duration timeout) {
    record Probe(int region, long sentAt, CompletableFuture<Map.Entry<Endpoint, Long>> answer) {}
    List<Probe> probes = new ArrayList<>();
    Map<Integer, String> names = new TreeMap<>();
    for (RelayRegion r : map.getRegionsMap().values()) {
      names.put(r.getRegionId(), r.getRegionCode());
      for (RelayNode n : r.getNodesList()) {
        Endpoint server = stunServer(n);
        if (server != null) {
          long sent = System.nanoTime();
          probes.add(
              new Probe(
                  r.getRegionId(),
                  sent,
                  stun.apply(server, timeout).thenApply(e -> Map.entry(e, System.nanoTime()))));
        }
      }
    }
    Map<Integer, Duration> latency = new TreeMap<>();
    int answered = 0;
    Set<Endpoint> mapped = new LinkedHashSet<>();
    for (Probe p : probes) {
      try {
        Map.Entry<Endpoint, Long> a = p.answer().join();
        long rtt = a.getValue() - p.sentAt();
        mapped.add(a.getKey());
        answered++;
        latency.merge(p.region(), Duration.ofNanos(rtt), (x, y) -> x.compareTo(y) <= 0 ? x : y);
      } catch (RuntimeException e) {
        // no answer within the timeout
      }
    }
    Boolean varies = answered >= 2 ? mapped.size() > 1 : null;
    int preferred = 0;
    Duration best = null;
    for (Map.Entry<Integer, Duration> e : latency.entrySet()) {
      RelayRegion r = map.getRegionsMap().get(e.getKey());
      if (r != null && !r.getAvoid() && (best == null || e.getValue().compareTo(best) < 0)) {
        best = e.getValue();
        preferred = e.getKey();
      }
    }
    if (preferred == 0) {
      for (RelayRegion r : new TreeMap<>(map.getRegionsMap()).values()) {
        if (!r.getAvoid() && r.getNodesList().stream().anyMatch(n -> !n.getStunOnly())) {
          preferred = r.getRegionId();
          break;
        }
      }
    }
    return new NetcheckReport(
        !mapped.isEmpty(), new ArrayList<>(mapped), varies, latency, names, preferred);
  }

  /** The STUN address of a relay node, or {@code null} if it serves none. */
  static Endpoint stunServer(RelayNode n) {
    if (n.getStunPort() == 0) {
      return null;
    }
    try {
      InetAddress a =
          !n.getIpv4().isEmpty()
              ? IpLiteral.parse(n.getIpv4())
              : !n.getIpv6().isEmpty()
                  ? IpLiteral.parse(n.getIpv6())
                  : InetAddress.getByName(n.getHostname());
      return new Endpoint(a, n.getStunPort());
    } catch (Exception e) {
      return null;
    }
  }
}
