package dev.trellis.agent.dns;

import java.io.IOException;
import java.util.List;

/**
 * Points the operating system's name resolution at the resolver and puts it back: through
 * systemd-resolved ({@link ResolvedLink}), by managing {@code /etc/resolv.conf} ({@link
 * ResolvConfFile}), or not at all ({@link #unmanaged}, for {@code trellis up --accept-dns=false}).
 *
 * <p>Thread-safety: implementations are called by one thread at a time ({@link MagicDns} holds its
 * lock).
 */
public interface OsConfigurator {
  /** Makes the OS use the resolver as {@code config} says; repeated calls replace the last. */
  void apply(OsDnsConfig config) throws IOException;

  /** Puts back what the OS had before the first {@link #apply}; a no-op when nothing is set. */
  void restore() throws IOException;

  /**
   * The resolvers the OS used before this device's resolver took over: the upstreams for names the
   * tailnet does not route elsewhere. Never this resolver's own addresses.
   */
  List<Upstream> originalResolvers();

  /** How the OS is configured, for status: {@code resolv.conf}, {@code systemd-resolved}, ... */
  String mode();

  /** Leaves the OS alone; the original resolvers are those of {@code /etc/resolv.conf}. */
  static OsConfigurator unmanaged(java.nio.file.Path resolvConf) {
    return unmanaged(resolvConf, "off (--accept-dns=false)");
  }

  /** Leaves the OS alone, for the reason {@code mode} gives. */
  static OsConfigurator unmanaged(java.nio.file.Path resolvConf, String mode) {
    return new OsConfigurator() {
      @Override
      public void apply(OsDnsConfig config) {}

      @Override
      public void restore() {}

      @Override
      public List<Upstream> originalResolvers() {
        return ResolvConfText.nameservers(ResolvConfText.readQuietly(resolvConf));
      }

      @Override
      public String mode() {
        return mode;
      }
    };
  }
}
