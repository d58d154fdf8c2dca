package dev.trellis.agent.daemon;

import dev.trellis.agent.localapi.ReplyWriter;
import dev.trellis.agent.localapi.Request;
import dev.trellis.agent.localapi.RequestHandler;
import dev.trellis.agent.paths.netcheck.NetcheckReport;
import dev.trellis.agent.paths.portmap.PortMapping;
import dev.trellis.agent.paths.relay.RelayClients;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code trellis netcheck}: runs a netcheck now (through the {@link EndpointReporter}, so its
 * findings also become endpoints and may move the home region) and replies one line per finding:
 * UDP, public addresses, whether the mapping varies by destination, each region's latency, the
 * preferred region and the home region; then what port mapping the gateway offers (which of PCP and
 * NAT-PMP answered, its external address, the mapping in force).
 *
 * <p>Thread-safety: stateless itself; runs on the request's local API thread.
 */
final class NetcheckVerb implements RequestHandler {
  private final EndpointReporter endpoints;
  private final RelayClients relays;

  NetcheckVerb(EndpointReporter endpoints, RelayClients relays) {
    this.endpoints = endpoints;
    this.relays = relays;
  }

  @Override
  public void handle(Request request, ReplyWriter out) throws IOException {
    for (String[] line : lines(endpoints.netcheck(), relays.homeRegion())) {
      out.line(line[0], line[1]);
    }
    for (String[] line : portMapLines(endpoints.portMapping())) {
      out.line(line[0], line[1]);
    }
    out.ok();
  }

  /**
   * The reply lines (key, value) for a person: latencies in milliseconds with their unit, regions
   * by name and id, and whether the NAT's mapping varies by destination as yes, no or unknown.
   */
  static List<String[]> lines(NetcheckReport r, int home) {
    List<String[]> out = new ArrayList<>();
    out.add(new String[] {"udp", Boolean.toString(r.udp())});
    for (var e : r.publicEndpoints()) {
      out.add(new String[] {"public", e.toString()});
    }
    Boolean varies = r.mappingVariesByDestination();
    out.add(
        new String[] {
          "mapping_varies_by_destination", varies == null ? "unknown" : varies ? "yes" : "no"
        });
    for (Map.Entry<Integer, Duration> e : new java.util.TreeMap<>(r.latency()).entrySet()) {
      out.add(
          new String[] {
            "latency",
            region(r, e.getKey())
                + " "
                + String.format(Locale.ROOT, "%.1f ms", e.getValue().toNanos() / 1e6)
          });
    }
    out.add(new String[] {"preferred", region(r, r.preferredRegion())});
    out.add(new String[] {"home", region(r, home)});
    return out;
  }

  /**
   * The port mapping lines: which protocols the gateway answered, the external address it gave and
   * the mapping in force ("none" when there is none).
   */
  static List<String[]> portMapLines(PortMapping m) {
    List<String[]> out = new ArrayList<>();
    out.add(
        new String[] {
          "portmap_gateway", m.gateway() == null ? "none" : m.gateway().getHostAddress()
        });
    out.add(new String[] {"portmap_pcp", Boolean.toString(m.pcp())});
    out.add(new String[] {"portmap_nat_pmp", Boolean.toString(m.natPmp())});
    out.add(
        new String[] {
          "portmap_external", m.external() == null ? "none" : m.external().getHostAddress()
        });
    out.add(
        new String[] {
          "portmap_mapped", m.mapped() == null ? "none" : m.mapped() + " (" + m.protocol() + ")"
        });
    return out;
  }

  private static String region(NetcheckReport r, int id) {
    if (id == 0) {
      return "none";
    }
    String name = r.regionNames().getOrDefault(id, "");
    return name.isEmpty() ? "region " + id : name + " (region " + id + ")";
  }
}
