package dev.trellis.agent.dns;

import dev.trellis.agent.netconf.ExternalProgram;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Chooses how to configure this system's resolver: nothing with {@code --accept-dns=false};
 * systemd-resolved when it runs, owns /etc/resolv.conf and {@code resolvectl} is installed; else
 * /etc/resolv.conf itself. Under {@code ip netns exec NS} with {@code /etc/netns/NS/resolv.conf},
 * the file is a bind mount of that namespace's own, so each namespace's daemon manages its own;
 * without one, /etc/resolv.conf is the host's, and a daemon in a named network namespace leaves it
 * alone (pointing the host at a resolver only that namespace can reach would break the host's DNS)
 * and says so in {@code trellis dns status}.
 *
 * <p>Thread-safety: stateless.
 */
public final class OsConfigurators {
  /** The system's resolver configuration file. */
  public static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");

  private OsConfigurators() {}

  /** The configurator for this system. */
  public static OsConfigurator detect(boolean acceptDns, String link, Path stateDir) {
    if (!acceptDns) {
      return OsConfigurator.unmanaged(RESOLV_CONF);
    }
    String netns = NetworkNamespace.named();
    if (netns != null && !NetworkNamespace.isMountPoint(RESOLV_CONF)) {
      return OsConfigurator.unmanaged(
          RESOLV_CONF,
          "off: network namespace "
              + netns
              + " has no /etc/netns/"
              + netns
              + "/resolv.conf, and /etc/resolv.conf is the host's");
    }
    if (ResolvedLink.inCharge(RESOLV_CONF) && onPath("resolvectl")) {
      return new ResolvedLink(new ExternalProgram("resolvectl", "systemd-resolved"), link);
    }
    return new ResolvConfFile(RESOLV_CONF, stateDir);
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }
}
