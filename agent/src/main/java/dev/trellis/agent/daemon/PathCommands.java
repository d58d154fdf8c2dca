package dev.trellis.agent.daemon;

import dev.trellis.agent.localapi.ReplyWriter;
import dev.trellis.agent.localapi.Request;
import dev.trellis.agent.paths.Paths;
import dev.trellis.agent.paths.PingReply;
import dev.trellis.agent.paths.netcheck.Netcheck;
import dev.trellis.agent.paths.netcheck.NetcheckReport;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.control.v1.RelayMap;
import dev.trellis.proto.key.NodePublicKey;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The daemon's side of {@code trellis netcheck} and {@code trellis ping PEER}: runs them on the
 * path layer and writes one reply line per finding or pong.
 *
 * <p>Thread-safety: stateless; runs on the control-socket thread of the request.
 */
final class PathCommands {
  static final Duration STUN_TIMEOUT = Duration.ofSeconds(2);

  private PathCommands() {}

  static NetcheckReport check(RelayMap map, Paths paths) {
    return Netcheck.run(map, paths::stun, STUN_TIMEOUT);
  }

  static void netcheck(Daemon d, ReplyWriter out) throws IOException {
    NetcheckReport r = d.netcheck();
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
    out.line("home", Integer.toString(d.tunnelForPaths().relays().homeRegion()));
    out.ok();
  }

  static void ping(Daemon d, Request r, ReplyWriter out) throws IOException {
    String peer = r.get("peer", "");
    int count;
    try {
      count = Math.max(1, Math.min(100, Integer.parseInt(r.get("count", "4"))));
    } catch (NumberFormatException e) {
      out.error("USAGE", "count must be a number");
      return;
    }
    Node n = find(d.netmapForPaths(), peer);
    if (n == null) {
      out.error("NO_PEER", "no peer named " + peer);
      return;
    }
    NodePublicKey key = NodePublicKey.fromBytes(n.getNodeKey().toByteArray());
    AtomicInteger pongs = new AtomicInteger();
    String name =
        n.getName().endsWith(".")
            ? n.getName().substring(0, n.getName().length() - 1)
            : n.getName();
    List<String> eps = new java.util.ArrayList<>();
    for (var e : n.getEndpointsList()) {
      eps.add(e.getAddress());
    }
    out.line("endpoints", eps.isEmpty() ? "(none reported)" : String.join(" ", eps));
    for (int i = 0; i < count; i++) {
      boolean sent =
          d.tunnelForPaths()
              .paths()
              .ping(
                  key,
                  (PingReply p) -> {
                    pongs.incrementAndGet();
                    try {
                      out.line(
                          "pong",
                          name
                              + " via "
                              + p.via()
                              + " in "
                              + String.format("%.1f", p.latency().toNanos() / 1e6)
                              + " ms");
                    } catch (IOException e) {
                      // the CLI went away
                    }
                  });
      if (!sent) {
        out.error("NO_DISCO", name + " has no disco key yet (never connected)");
        return;
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (pongs.get() == 0) {
      out.error("NO_REPLY", "no pong from " + name);
    } else {
      out.ok();
    }
  }

  /** The peer named {@code s} (MagicDNS name or its first label, an address, or a node key). */
  static Node find(Netmap m, String s) {
    for (Node n : m.peers().values()) {
      String name = n.getName();
      String bare = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
      int dot = bare.indexOf('.');
      String host = dot > 0 ? bare.substring(0, dot) : bare;
      boolean byAddr =
          n.getAddressesList().stream().anyMatch(a -> a.equals(s) || a.startsWith(s + "/"));
      boolean byKey =
          n.getNodeKey().size() == 32
              && NodePublicKey.fromBytes(n.getNodeKey().toByteArray()).toString().equals(s);
      if (s.equals(bare) || s.equals(host) || byAddr || byKey) {
        return n.getNodeKey().size() == 32 ? n : null;
      }
    }
    return null;
  }
}
