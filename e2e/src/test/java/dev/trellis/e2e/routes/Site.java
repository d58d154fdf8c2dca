package dev.trellis.e2e.routes;

import dev.trellis.e2e.Lab;
import dev.trellis.netlab.NetLab;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/**
 * A network that runs no agent, as a subnet router's site LAN or an exit node's internet: a switch
 * namespace with a bridge, and one plain host on it ({@code PREFIX.10}) running {@code
 * echo_server.py} on {@link #PORT} and {@link #OTHER_PORT}, which tells each client the address it
 * came from. Routers (device namespaces of the lab) are plugged into the switch with {@link
 * #attach}. Everything belongs to the {@link Lab} and goes with it.
 *
 * <p>Thread-safety: used from the test thread only.
 */
final class Site {
  /** The host's echo port. */
  static final int PORT = 7007;

  /** A second echo port on the host (for policies that allow one port only). */
  static final int OTHER_PORT = 7008;

  final String prefix;
  final String hostNs;
  private final Lab lab;
  private final String switchNs;
  private int links;

  private Site(Lab lab, String prefix, String switchNs, String hostNs) {
    this.lab = lab;
    this.prefix = prefix;
    this.switchNs = switchNs;
    this.hostNs = hostNs;
  }

  /** Builds the network {@code PREFIX.0/24} (e.g. "172.31.50") with its host and echo server. */
  static Site build(Lab lab, String prefix) throws IOException {
    NetLab net = lab.net;
    String sw = lab.namespace("tsw");
    net.bridge(sw, "br0");
    String host = lab.namespace("tsh");
    Site site = new Site(lab, prefix, sw, host);
    site.attach(host, "eth0", 10);
    for (int port : List.of(PORT, OTHER_PORT)) {
      lab.start(
          List.of(
              "ip",
              "netns",
              "exec",
              host,
              "python3",
              script("echo_server.py"),
              "0.0.0.0",
              Integer.toString(port)),
          lab.dir.resolve("echo-" + host + "-" + port + ".log"));
    }
    return site;
  }

  /** The network as a CIDR. */
  String cidr() {
    return prefix + ".0/24";
  }

  /** The plain host's address. */
  String hostIp() {
    return prefix + ".10";
  }

  /** Plugs {@code ns} into the network as {@code PREFIX.octet} on its interface {@code ifName}. */
  String attach(String ns, String ifName, int octet) throws IOException {
    NetLab net = lab.net;
    String port = "s" + (++links);
    net.veth(switchNs, port, ns, ifName);
    net.attach(switchNs, port, "br0");
    net.up(switchNs, port);
    net.address(ns, ifName, prefix + "." + octet + "/24");
    net.up(ns, ifName);
    return prefix + "." + octet;
  }

  /** A route on the plain host (e.g. back to the tailnet through a router). */
  void hostRoute(String... args) throws IOException {
    lab.net.ip(hostNs, args);
  }

  /** The path of one of this package's Python scripts (test resources). */
  static String script(String name) {
    try {
      return Path.of(Site.class.getResource("/routes/" + name).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
