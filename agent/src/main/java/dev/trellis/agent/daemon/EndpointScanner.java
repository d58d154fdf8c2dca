package dev.trellis.agent.daemon;

import dev.trellis.proto.control.v1.Endpoint;
import dev.trellis.proto.control.v1.EndpointType;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * This device's direct endpoints for now: the addresses of its own interfaces that are up, not
 * loopback, not the Trellis TUN, not link-local, each with the WireGuard listen port. (STUN and
 * port mapping come with NAT traversal.)
 *
 * <p>Thread-safety: stateless.
 */
public final class EndpointScanner {
  private EndpointScanner() {}

  /** The endpoints, sorted for stable comparison. */
  public static List<Endpoint> scan(String tunName, int port) {
    List<String> out = new ArrayList<>();
    if (port <= 0) {
      return List.of();
    }
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nif.isUp() || nif.isLoopback() || nif.getName().equals(tunName)) {
          continue;
        }
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
          if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()) {
            continue;
          }
          out.add(format(a, port));
        }
      }
    } catch (SocketException e) {
      return List.of();
    }
    Collections.sort(out);
    List<Endpoint> eps = new ArrayList<>();
    for (String s : out) {
      eps.add(Endpoint.newBuilder().setAddress(s).setType(EndpointType.LOCAL).build());
    }
    return eps;
  }

  static String format(InetAddress a, int port) {
    String host = a.getHostAddress();
    int zone = host.indexOf('%');
    if (zone >= 0) {
      host = host.substring(0, zone);
    }
    return a instanceof Inet6Address ? "[" + host + "]:" + port : host + ":" + port;
  }
}
