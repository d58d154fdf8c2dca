package dev.trellis.agent.dns;

import dev.trellis.agent.netconf.ExternalProgram;
import dev.trellis.proto.net.IpLiteral;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Configures systemd-resolved for the tunnel link with {@code resolvectl}: the resolver as the
 * link's DNS server, the MagicDNS suffix, split-DNS domains and extra records' names as routing
 * domains ({@code ~corp.example.com}), the search domains as search domains, and the link as the
 * default route for every name only when the tailnet has global resolvers. Every other name keeps
 * going to the system's own servers, so split DNS needs no forwarding through this device. {@link
 * #restore} is {@code resolvectl revert}; a crashed daemon's settings go with its link.
 *
 * <p>Used when resolved runs and owns /etc/resolv.conf (see {@link OsConfigurators#detect}).
 *
 * <p>Thread-safety: not thread-safe; {@link MagicDns} calls it under its lock.
 */
public final class ResolvedLink implements OsConfigurator {
  /** resolved's list of the uplink servers it uses. */
  static final Path UPLINK = Path.of("/run/systemd/resolve/resolv.conf");

  private final ExternalProgram resolvectl;
  private final String link;
  private OsDnsConfig applied;

  public ResolvedLink(ExternalProgram resolvectl, String link) {
    this.resolvectl = resolvectl;
    this.link = link;
  }

  @Override
  public String mode() {
    return "systemd-resolved";
  }

  @Override
  public void apply(OsDnsConfig config) throws IOException {
    if (config.equals(applied)) {
      return;
    }
    for (List<String> cmd : commands(link, config)) {
      resolvectl.run(cmd.toArray(String[]::new));
    }
    applied = config;
  }

  /** The resolvectl commands that set {@code config} on {@code link}. */
  static List<List<String>> commands(String link, OsDnsConfig config) {
    List<String> dns = new ArrayList<>(List.of("dns", link));
    for (InetAddress a : config.nameservers()) {
      dns.add(IpLiteral.format(a));
    }
    List<String> domains = new ArrayList<>(List.of("domain", link));
    for (String d : config.routingDomains()) {
      if (!config.searchDomains().contains(d)) {
        domains.add("~" + d);
      }
    }
    domains.addAll(config.searchDomains());
    if (config.allNames()) {
      domains.add("~.");
    }
    return List.of(dns, domains, List.of("default-route", link, config.allNames() ? "yes" : "no"));
  }

  @Override
  public void restore() throws IOException {
    if (applied != null) {
      applied = null;
      resolvectl.run("revert", link);
    }
  }

  @Override
  public List<Upstream> originalResolvers() {
    return ResolvConfText.nameservers(ResolvConfText.readQuietly(UPLINK));
  }

  /** Whether systemd-resolved runs and /etc/resolv.conf sends names to it. */
  static boolean inCharge(Path resolvConf) {
    if (!Files.exists(Path.of("/run/systemd/resolve/io.systemd.Resolve"))) {
      return false;
    }
    try {
      if (Files.isSymbolicLink(resolvConf)
          && Files.readSymbolicLink(resolvConf).toString().contains("/run/systemd/resolve/")) {
        return true;
      }
    } catch (IOException e) {
      return false;
    }
    for (Upstream u : ResolvConfText.nameservers(ResolvConfText.readQuietly(resolvConf))) {
      if (u.address() != null && u.address().getAddress().getHostAddress().equals("127.0.0.53")) {
        return true;
      }
    }
    return false;
  }
}
