package dev.trellis.agent.daemon;

import dev.trellis.agent.localapi.ReplyWriter;
import dev.trellis.agent.localapi.Request;
import dev.trellis.agent.localapi.RequestHandler;
import dev.trellis.agent.paths.netcheck.NetcheckReport;
import dev.trellis.agent.paths.relay.RelayClients;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * {@code trellis netcheck}: runs a netcheck now (through the {@link EndpointReporter}, so its
 * findings also become endpoints and may move the home region) and replies one line per finding:
 * UDP, public addresses, whether the mapping varies by destination, each region's latency, the
 * preferred region and the home region.
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
    NetcheckReport r = endpoints.netcheck();
    out.line("udp", Boolean.toString(r.udp()));
    for (var e : r.publicEndpoints()) {
      out.line("public", e.toString());
    }
    out.line(
        "mapping_varies",
        r.mappingVariesByDestination() == null ? "unknown" : r.mappingVariesByDestination() + "");
    for (Map.Entry<Integer, Duration> e : r.latency().entrySet()) {
      out.line(
          "latency",
          e.getKey()
              + " "
              + r.regionNames().getOrDefault(e.getKey(), "")
              + " "
              + String.format("%.1f", e.getValue().toNanos() / 1e6));
    }
    out.line(
        "preferred",
        r.preferredRegion() + " " + r.regionNames().getOrDefault(r.preferredRegion(), ""));
    out.line("home", Integer.toString(relays.homeRegion()));
    out.ok();
  }
}
