package dev.trellis.e2e.nat;

import dev.trellis.e2e.Lab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Debian's {@code miniupnpd} (package {@code miniupnpd-nftables}) in a {@link NatKind#PORT_MAPPING}
 * router's namespace, answering NAT-PMP and PCP on the LAN side (UPnP off). The lab's WAN addresses
 * are private, which miniupnpd refuses as an external address unless a STUN check shows nothing
 * filters in front of it, so it runs that check against the lab server's STUN port. Mappings are
 * granted for at most {@link #MAX_LIFETIME} seconds, so renewal happens within a test. The process
 * belongs to the lab and stops with it.
 *
 * <p>Thread-safety: used from the test thread only.
 */
final class PortMapDaemon {
  /** The longest mapping lifetime granted, in seconds (miniupnpd's minimum is 120 by default). */
  static final int MAX_LIFETIME = 30;

  final Path log;
  private final Process process;

  private PortMapDaemon(Path log, Process process) {
    this.log = log;
    this.process = process;
  }

  /** Starts miniupnpd in {@code router} and waits until it listens. */
  static PortMapDaemon start(Lab lab, NatRouter router, String stunHost, int stunPort)
      throws Exception {
    String lan = router.deviceIp.substring(0, router.deviceIp.lastIndexOf('.'));
    Path conf = lab.dir.resolve("miniupnpd-" + router.routerNs + ".conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "ext_ifname=eth0",
            "listening_ip=lan0",
            "enable_natpmp=yes",
            "enable_upnp=no",
            "ext_perform_stun=yes",
            "ext_stun_host=" + stunHost,
            "ext_stun_port=" + stunPort,
            "upnp_table_name=miniupnpd",
            "upnp_nat_table_name=miniupnpd",
            "min_lifetime=10",
            "max_lifetime=" + MAX_LIFETIME,
            "secure_mode=yes",
            "allow 1024-65535 " + lan + ".0/24 1024-65535",
            "deny 0-65535 0.0.0.0/0 0-65535",
            ""),
        StandardCharsets.UTF_8);
    Path log = lab.dir.resolve("miniupnpd-" + router.routerNs + ".log");
    Process p =
        lab.start(
            List.of(
                "ip",
                "netns",
                "exec",
                router.routerNs,
                "miniupnpd",
                "-d",
                "-f",
                conf.toString(),
                "-P",
                lab.dir.resolve("miniupnpd-" + router.routerNs + ".pid").toString()),
            log);
    PortMapDaemon d = new PortMapDaemon(log, p);
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!d.log().contains("Listening for NAT-PMP/PCP traffic")) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("miniupnpd did not start:\n" + d.log());
      }
      Thread.sleep(100);
    }
    if (!d.log().contains("Port forwarding is now enabled")) {
      throw new IllegalStateException("miniupnpd refuses to forward ports:\n" + d.log());
    }
    return d;
  }

  /** The daemon's output so far. */
  String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The mapping rules miniupnpd keeps in the router now (its DNAT chain). */
  static String rules(NatRouter router) throws IOException {
    return Lab.exec(
            List.of(
                "ip",
                "netns",
                "exec",
                router.routerNs,
                "nft",
                "list",
                "chain",
                "inet",
                "miniupnpd",
                "prerouting_miniupnpd"),
            10)
        .out();
  }

  boolean alive() {
    return process.isAlive();
  }
}
