package dev.trellis.agent.daemon;

import dev.trellis.agent.device.PeerStatus;
import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.agent.localapi.NodeRoutes;
import dev.trellis.agent.localapi.NodeView;
import dev.trellis.agent.netmap.Netmap;
import dev.trellis.agent.paths.PathStatus;
import dev.trellis.agent.paths.Paths;
import dev.trellis.agent.routes.ExitNodes;
import dev.trellis.agent.routes.RoutePrefs;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.key.NodePublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds what {@code trellis status} shows from the netmap (names, addresses, owners, online,
 * expiry) and the device (last handshake, bytes) and the path layer (connection: "direct",
 * "relay:<region>" or "idle", and the direct endpoint in use); an expired peer is "expired" and
 * gets no traffic. Routes: what self offers (its preferences) and has in force, what each peer has
 * in force and carries as primary, which peers are exit nodes and which one is in use.
 *
 * <p>Thread-safety: stateless.
 */
final class StatusView {
  private StatusView() {}

  static AgentStatus build(
      BackendState phase,
      String message,
      String authUrl,
      String loginServer,
      String tun,
      int listenPort,
      Netmap map,
      List<PeerStatus> device,
      java.util.function.Function<NodePublicKey, PathStatus> paths,
      long filterDrops,
      RoutePrefs prefs,
      Instant now) {
    Node exit = ExitNodes.chosen(map, prefs.exitNode());
    Map<NodePublicKey, PeerStatus> byKey = new HashMap<>();
    for (PeerStatus p : device) {
      byKey.put(p.publicKey(), p);
    }
    NodeView self = null;
    if (map.hasSelf()) {
      Node s = map.self();
      self =
          new NodeView(
              s.getId(),
              name(s),
              s.getAddressesList(),
              key(s),
              true,
              null,
              "",
              "self",
              0,
              0,
              expiry(s),
              NetmapConfig.isExpired(s, now),
              s.getHostInfo().getOs(),
              map.owner(s),
              new NodeRoutes(
                  prefs.advertised(),
                  s.getApprovedRoutesList(),
                  s.getPrimaryRoutesList(),
                  ExitNodes.isExitNode(s),
                  false));
    }
    List<NodeView> peers = new ArrayList<>();
    for (Node n : map.peers().values()) {
      PeerStatus ps = null;
      PathStatus path = null;
      if (n.getNodeKey().size() == 32) {
        NodePublicKey k = NodePublicKey.fromBytes(n.getNodeKey().toByteArray());
        ps = byKey.get(k);
        path = paths.apply(k);
      }
      boolean expired = NetmapConfig.isExpired(n, now);
      String endpoint;
      String connection;
      if (path != null) {
        endpoint = path.direct() != null ? path.direct().toString() : "";
        connection = expired ? "expired" : path.connection();
      } else {
        endpoint =
            ps != null && ps.endpoint() != null && !Paths.isVirtual(ps.endpoint())
                ? ps.endpoint().toString()
                : "";
        connection = expired ? "expired" : endpoint.isEmpty() ? "idle" : "direct";
      }
      peers.add(
          new NodeView(
              n.getId(),
              name(n),
              n.getAddressesList(),
              key(n),
              n.hasOnline() ? n.getOnline() : null,
              ps == null ? null : ps.latestHandshake(),
              endpoint,
              connection,
              ps == null ? 0 : ps.rxBytes(),
              ps == null ? 0 : ps.txBytes(),
              expiry(n),
              expired,
              n.getHostInfo().getOs(),
              map.owner(n),
              new NodeRoutes(
                  n.getHostInfo().getRoutableIpsList(),
                  n.getApprovedRoutesList(),
                  n.getPrimaryRoutesList(),
                  ExitNodes.isExitNode(n),
                  exit != null && exit.getId().equals(n.getId()))));
    }
    return new AgentStatus(
        phase.name(),
        message,
        authUrl,
        loginServer,
        tun,
        listenPort,
        self,
        peers,
        filterDrops,
        prefs.exitNode());
  }

  private static String name(Node n) {
    String s = n.getName();
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static String key(Node n) {
    return n.getNodeKey().size() == 32
        ? NodePublicKey.fromBytes(n.getNodeKey().toByteArray()).toString()
        : "";
  }

  private static Instant expiry(Node n) {
    return n.hasKeyExpiry()
        ? Instant.ofEpochSecond(n.getKeyExpiry().getSeconds(), n.getKeyExpiry().getNanos())
        : null;
  }
}
