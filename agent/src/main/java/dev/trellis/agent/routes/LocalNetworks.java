package dev.trellis.agent.routes;

import dev.trellis.proto.net.IpPrefix;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The host's directly connected networks: the prefix of every address of every interface that is
 * up, except loopback and the TUN; link-local ones are left out (the kernel keeps them on their
 * link anyway). With {@code --exit-node-allow-lan-access} they stay off the exit node.
 *
 * <p>Thread-safety: stateless.
 */
final class LocalNetworks {
  private LocalNetworks() {}

  static List<IpPrefix> except(String tun) {
    List<IpPrefix> out = new ArrayList<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (nif.getName().equals(tun) || nif.isLoopback() || !nif.isUp()) {
          continue;
        }
        for (InterfaceAddress a : nif.getInterfaceAddresses()) {
          if (a.getAddress().isLinkLocalAddress() || a.getNetworkPrefixLength() <= 0) {
            continue;
          }
          IpPrefix p = IpPrefix.of(a.getAddress(), a.getNetworkPrefixLength());
          if (!out.contains(p)) {
            out.add(p);
          }
        }
      }
    } catch (SocketException e) {
      // no interfaces to keep local
    }
    return out;
  }
}
