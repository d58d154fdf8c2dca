package dev.trellis.agent.routes;

import dev.trellis.proto.control.v1.RelayMap;
import dev.trellis.proto.control.v1.RelayNode;
import dev.trellis.proto.control.v1.RelayRegion;
import dev.trellis.proto.net.IpLiteral;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The addresses whose traffic must not enter the agent's routing table: the control server's and
 * every relay's (a relay node's configured IPv4/IPv6 addresses, else its resolved hostname).
 * Resolved again only when the control server or the relay map changes; a name that does not
 * resolve is skipped until then.
 *
 * <p>Thread-safety: guarded by {@code this}.
 */
final class BypassAddresses {
  private final Function<String, List<InetAddress>> resolver;
  private String server; // guarded by this
  private RelayMap relays; // guarded by this
  private List<InetAddress> addresses = List.of(); // guarded by this

  BypassAddresses() {
    this(BypassAddresses::resolve);
  }

  BypassAddresses(Function<String, List<InetAddress>> resolver) {
    this.resolver = resolver;
  }

  /** The addresses for the control server {@code loginServer} (a URL, or null) and {@code map}. */
  synchronized List<InetAddress> of(String loginServer, RelayMap map) {
    if (Objects.equals(loginServer, server) && map.equals(relays)) {
      return addresses;
    }
    Set<InetAddress> out = new LinkedHashSet<>();
    if (loginServer != null) {
      try {
        String host = URI.create(loginServer).getHost();
        if (host != null) {
          out.addAll(resolver.apply(host.replaceAll("^\\[|\\]$", "")));
        }
      } catch (IllegalArgumentException e) {
        // not a URL: nothing to bypass
      }
    }
    for (RelayRegion region : map.getRegionsMap().values()) {
      for (RelayNode n : region.getNodesList()) {
        if (n.getIpv4().isEmpty() && n.getIpv6().isEmpty()) {
          out.addAll(resolver.apply(n.getHostname()));
        }
        for (String literal : List.of(n.getIpv4(), n.getIpv6())) {
          if (!literal.isEmpty()) {
            try {
              out.add(IpLiteral.parse(literal));
            } catch (RuntimeException e) {
              // a malformed address: skipped
            }
          }
        }
      }
    }
    server = loginServer;
    relays = map;
    addresses = List.copyOf(out);
    return addresses;
  }

  private static List<InetAddress> resolve(String host) {
    if (host == null || host.isEmpty()) {
      return List.of();
    }
    try {
      return new ArrayList<>(List.of(InetAddress.getAllByName(host)));
    } catch (UnknownHostException | SecurityException e) {
      return List.of();
    }
  }
}
