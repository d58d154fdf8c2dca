package dev.trellis.netlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * wireguard-go as a real WireGuard peer in a lab namespace: started in the foreground as interface
 * {@code tun} (its log in the lab's directory as {@code tun.log}), configured with {@code wg
 * setconf}, given addresses, MTU 1420 and brought up. Its UAPI socket lives in {@code
 * /var/run/wireguard} across namespaces, so {@code tun} must be unique on the machine: include the
 * lab's tag.
 *
 * <p>Thread-safety: stateless; use from the lab's thread.
 */
public final class WireguardGo {
  private WireguardGo() {}

  /**
   * Starts wireguard-go in {@code ns} and configures it from {@code config} (a wg(8) config without
   * wg-quick keys) and {@code addresses} (CIDR); returns the process.
   */
  public static Process start(NetLab lab, String ns, String tun, String config, String... addresses)
      throws IOException {
    Process p =
        lab.start(
            NetLab.in(ns, List.of("wireguard-go", "-f", tun)), lab.dir().resolve(tun + ".log"));
    lab.awaitFile(
        Path.of("/var/run/wireguard", tun + ".sock"),
        p,
        Duration.ofSeconds(10),
        "wireguard-go",
        tun);
    Path conf = lab.dir().resolve(tun + ".conf");
    Files.writeString(conf, config);
    lab.exec(ns, "wg", "setconf", tun, conf.toString());
    for (String a : addresses) {
      lab.address(ns, tun, a);
    }
    lab.ip(ns, "link", "set", tun, "mtu", "1420", "up");
    return p;
  }
}
