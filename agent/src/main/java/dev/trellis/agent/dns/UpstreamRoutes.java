package dev.trellis.agent.dns;

import dev.trellis.proto.control.v1.DnsConfig;
import dev.trellis.proto.control.v1.Resolvers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;

/**
 * Where a name that is not answered locally goes: the resolvers of the longest split-DNS domain
 * that contains it ({@code corp.example.com} takes {@code db.corp.example.com}), else the tailnet's
 * global resolvers, else the device's own original resolvers (what the OS used before the resolver
 * took over). A split domain with no usable resolver keeps its names from leaking to the others:
 * they get no upstream (SERVFAIL), as an admin who routed a private domain expects.
 *
 * <p>Thread-safety: immutable.
 */
public final class UpstreamRoutes {
  /** No routes and no fallback. */
  public static final UpstreamRoutes NONE = new UpstreamRoutes(Map.of(), List.of(), List.of());

  private final Map<Name, List<Upstream>> split;
  private final List<Upstream> global;
  private final List<Upstream> original;

  private UpstreamRoutes(
      Map<Name, List<Upstream>> split, List<Upstream> global, List<Upstream> original) {
    this.split = split;
    this.global = global;
    this.original = original;
  }

  /**
   * The routes of {@code config}, with {@code original} (the device's own resolvers) as the last
   * resort. Unusable domains and resolvers are skipped.
   */
  public static UpstreamRoutes of(DnsConfig config, List<Upstream> original) {
    Map<Name, List<Upstream>> split = new HashMap<>();
    for (Map.Entry<String, Resolvers> e : config.getRoutesMap().entrySet()) {
      Name domain = DomainName.parse(e.getKey());
      if (domain != null) {
        split.put(domain, parse(e.getValue().getAddressesList()));
      }
    }
    return new UpstreamRoutes(
        Collections.unmodifiableMap(split),
        parse(config.getResolversList()),
        List.copyOf(original));
  }

  /** The upstreams for {@code qname}, in the order to try them; empty if none. */
  public List<Upstream> forName(Name qname) {
    if (!split.isEmpty()) {
      Name n = qname;
      while (n.labels() > 1) {
        List<Upstream> u = split.get(n);
        if (u != null) {
          return u;
        }
        n = new Name(n, 1);
      }
    }
    return global.isEmpty() ? original : global;
  }

  /** The split-DNS domains. */
  public List<Name> splitDomains() {
    return List.copyOf(split.keySet());
  }

  /** Whether the tailnet has resolvers for every name (then all names go through this device). */
  public boolean hasGlobal() {
    return !global.isEmpty();
  }

  private static List<Upstream> parse(List<String> texts) {
    List<Upstream> out = new ArrayList<>();
    for (String t : texts) {
      Upstream u = Upstream.parse(t);
      if (u != null && !out.contains(u)) {
        out.add(u);
      }
    }
    return List.copyOf(out);
  }
}
