package dev.trellis.agent.daemon;

import dev.trellis.agent.localapi.ReplyWriter;
import dev.trellis.agent.localapi.Request;
import dev.trellis.agent.localapi.RequestHandler;
import dev.trellis.agent.netmap.Netmap;
import dev.trellis.agent.netmap.PeerName;
import dev.trellis.agent.paths.Paths;
import dev.trellis.agent.paths.PingReply;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.key.NodePublicKey;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * {@code trellis ping PEER}: finds the peer in the netmap (by MagicDNS name or its first label, an
 * address, or a node key), names its endpoints, then sends {@code count} disco pings a second apart
 * through the path layer and replies one {@code pong} line per answer (which path, how long).
 *
 * <p>Thread-safety: stateless itself; runs on the request's local API thread; pongs are written
 * from the path layer's thread through the synchronised {@link ReplyWriter}.
 */
final class PingVerb implements RequestHandler {
  private final Supplier<Netmap> netmap;
  private final Paths paths;

  PingVerb(Supplier<Netmap> netmap, Paths paths) {
    this.netmap = netmap;
    this.paths = paths;
  }

  @Override
  public void handle(Request r, ReplyWriter out) throws IOException {
    String peer = r.get("peer", "");
    int count;
    try {
      count = Math.max(1, Math.min(100, Integer.parseInt(r.get("count", "4"))));
    } catch (NumberFormatException e) {
      out.error("USAGE", "count must be a number");
      return;
    }
    Node n = find(netmap.get(), peer);
    if (n == null) {
      out.error("NO_PEER", "no peer named " + peer);
      return;
    }
    NodePublicKey key = NodePublicKey.fromBytes(n.getNodeKey().toByteArray());
    AtomicInteger pongs = new AtomicInteger();
    String name = bare(n.getName());
    List<String> eps = new ArrayList<>();
    for (var e : n.getEndpointsList()) {
      eps.add(e.getAddress());
    }
    out.line("endpoints", eps.isEmpty() ? "(none reported)" : String.join(" ", eps));
    for (int i = 0; i < count; i++) {
      boolean sent =
          paths.ping(
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
      boolean byAddr =
          n.getAddressesList().stream().anyMatch(a -> a.equals(s) || a.startsWith(s + "/"));
      boolean byKey =
          n.getNodeKey().size() == 32
              && NodePublicKey.fromBytes(n.getNodeKey().toByteArray()).toString().equals(s);
      if (PeerName.matches(n.getName(), s) || byAddr || byKey) {
        return n.getNodeKey().size() == 32 ? n : null;
      }
    }
    return null;
  }

  /** A MagicDNS name without its final dot. */
  private static String bare(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}
