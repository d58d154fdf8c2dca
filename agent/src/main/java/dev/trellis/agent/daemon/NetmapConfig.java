package dev.trellis.agent.daemon;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.device.DeviceConfig;
import dev.trellis.agent.device.PeerConfig;
import dev.trellis.agent.netconf.InterfaceAddress;
import dev.trellis.agent.netmap.Netmap;
import dev.trellis.agent.routes.ExitNodes;
import dev.trellis.agent.routes.PeerRoutes;
import dev.trellis.agent.routes.RoutePrefs;
import dev.trellis.proto.control.v1.Node;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.net.IpLiteral;
import dev.trellis.proto.net.IpPrefix;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link Netmap} into what the data plane and the kernel need: the WireGuard {@link
 * DeviceConfig} (one peer per usable peer node: its node key, its allowed IPs less the routes this
 * device did not ask for, its first usable endpoint, a 25 s persistent keepalive) and the TUN's own
 * addresses. Peers whose key has expired, whose key is missing or malformed, or that are this node
 * itself are left out; unparseable prefixes and endpoints are skipped.
 *
 * <p>Thread-safety: stateless.
 */
public final class NetmapConfig {
  /** The persistent keepalive every peer gets (NAT mappings time out after ~30 s). */
  public static final Duration KEEPALIVE = Duration.ofSeconds(25);

  /** The tailnet's IPv4 range, routed into the TUN. */
  public static final IpPrefix TAILNET_V4 = IpPrefix.parse("100.64.0.0/10");

  /** The tailnet's IPv6 range, routed into the TUN. */
  public static final IpPrefix TAILNET_V6 = IpPrefix.parse("fd7a:115c:a1e0::/48");

  private NetmapConfig() {}

  /** The device configuration for {@code map} with the default route preferences. */
  public static DeviceConfig device(
      Netmap map, NodePrivateKey key, int listenPort, Instant now, boolean peersAllowed) {
    return device(map, key, listenPort, now, peersAllowed, RoutePrefs.DEFAULT);
  }

  /**
   * The device configuration for {@code map}, or one with no peers when it has no self; each peer's
   * allowed IPs as {@link PeerRoutes} filters them for {@code prefs}.
   */
  public static DeviceConfig device(
      Netmap map,
      NodePrivateKey key,
      int listenPort,
      Instant now,
      boolean peersAllowed,
      RoutePrefs prefs) {
    List<PeerConfig> peers = new ArrayList<>();
    if (peersAllowed && map.hasSelf()) {
      NodePublicKey own = key.publicKey();
      Node exit = ExitNodes.chosen(map, prefs.exitNode());
      String exitId = exit == null ? null : exit.getId();
      for (Node n : map.peers().values()) {
        PeerConfig pc = peer(n, now, prefs, exitId);
        if (pc != null && !pc.publicKey().equals(own)) {
          peers.add(pc);
        }
      }
    }
    return new DeviceConfig(key, listenPort, peers);
  }

  /** The peer config for {@code n} with the default route preferences. */
  static PeerConfig peer(Node n, Instant now) {
    return peer(n, now, RoutePrefs.DEFAULT, null);
  }

  /**
   * The peer config for {@code n}, or {@code null} if it must not get traffic.
   *
   * @param exitNodeId the chosen exit node's id, or null
   */
  static PeerConfig peer(Node n, Instant now, RoutePrefs prefs, String exitNodeId) {
    if (isExpired(n, now) || n.getNodeKey().size() != 32) {
      return null;
    }
    List<IpPrefix> allowed = new ArrayList<>();
    for (String s : PeerRoutes.allowedIps(n, prefs, exitNodeId)) {
      IpPrefix p = prefix(s);
      if (p != null) {
        allowed.add(p);
      }
    }
    Endpoint endpoint = null;
    for (var e : n.getEndpointsList()) {
      endpoint = endpoint(e.getAddress());
      if (endpoint != null) {
        break;
      }
    }
    return new PeerConfig(
        NodePublicKey.fromBytes(n.getNodeKey().toByteArray()), null, allowed, endpoint, KEEPALIVE);
  }

  /** Whether the node's key has expired (flagged, or its expiry is in the past). */
  public static boolean isExpired(Node n, Instant now) {
    if (n.getKeyExpired()) {
      return true;
    }
    if (!n.hasKeyExpiry()) {
      return false;
    }
    Instant expiry =
        Instant.ofEpochSecond(n.getKeyExpiry().getSeconds(), n.getKeyExpiry().getNanos());
    return !expiry.isAfter(now);
  }

  /** The TUN addresses for self: each address as a host address (/32 or /128). */
  public static List<InterfaceAddress> addresses(Node self) {
    List<InterfaceAddress> out = new ArrayList<>();
    if (self == null) {
      return out;
    }
    for (String s : self.getAddressesList()) {
      IpPrefix p = prefix(s);
      if (p != null) {
        out.add(new InterfaceAddress(p.address(), p.address().getAddress().length * 8));
      }
    }
    return out;
  }

  /** Parses "ip:port" or "[ip]:port"; {@code null} if malformed. */
  public static Endpoint endpoint(String text) {
    try {
      int colon = text.lastIndexOf(':');
      if (colon <= 0) {
        return null;
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.contains(":")) {
        return null;
      }
      int port = Integer.parseInt(text.substring(colon + 1));
      if (port <= 0 || port > 65535) {
        return null;
      }
      return new Endpoint(IpLiteral.parse(host), port);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static IpPrefix prefix(String s) {
    try {
      return IpPrefix.parse(s);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
