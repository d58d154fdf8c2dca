package dev.trellis.agent.dns;

import java.net.InetAddress;
import java.util.List;

/**
 * What the OS should be told: use these nameservers (the resolver's addresses), append these search
 * domains to single-label names, and send these domains (or, with {@code allNames}, every name) to
 * them.
 *
 * @param nameservers the resolver's addresses, in order
 * @param searchDomains search domains, in order, without trailing dots
 * @param routingDomains domains whose names go to the resolver (the MagicDNS suffix, split-DNS
 *     domains, extra records' names); without trailing dots
 * @param allNames whether every name goes to the resolver (the tailnet set global resolvers)
 *     <p>Thread-safety: immutable.
 */
public record OsDnsConfig(
    List<InetAddress> nameservers,
    List<String> searchDomains,
    List<String> routingDomains,
    boolean allNames) {
  public OsDnsConfig {
    nameservers = List.copyOf(nameservers);
    searchDomains = List.copyOf(searchDomains);
    routingDomains = List.copyOf(routingDomains);
  }
}
