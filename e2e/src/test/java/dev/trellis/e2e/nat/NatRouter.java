package dev.trellis.e2e.nat;

import dev.trellis.e2e.Lab;
import dev.trellis.netlab.Command;
import dev.trellis.netlab.NetLab;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One home network of the test bed: a router namespace whose WAN side ({@code eth0}) sits on the
 * lab's bridge (the "internet", with the server and relays) and whose LAN side ({@code lan0}) leads
 * to a device namespace of its own ({@code 192.168.K.10}, default route via the router at {@code
 * .1}), with the router's NAT and firewall given by a {@link NatKind}. Both namespaces belong to
 * the {@link Lab} and go with it.
 *
 * <p>Thread-safety: used from the test thread only.
 */
final class NatRouter {
  /** The UDP port the devices' agents listen on. */
  static final int DEVICE_PORT = 41641;

  final NatKind kind;
  final String routerNs;
  final String deviceNs;
  final String wanIp;
  final String deviceIp;

  private NatRouter(NatKind kind, String routerNs, String deviceNs, String wanIp, String lan) {
    this.kind = kind;
    this.routerNs = routerNs;
    this.deviceNs = deviceNs;
    this.wanIp = wanIp;
    this.deviceIp = lan + ".10";
  }

  /** Builds the router and its LAN with one device namespace; {@code k} numbers the LAN. */
  static NatRouter build(Lab lab, NatKind kind, int k) throws IOException {
    String router = lab.device();
    String wan = lab.ipOf(router);
    String dev = lab.namespace("tn");
    String lan = "192.168." + k;
    NetLab net = lab.net;
    net.veth(router, "lan0", dev, "eth0");
    net.address(router, "lan0", lan + ".1/24");
    net.up(router, "lan0");
    net.address(dev, "eth0", lan + ".10/24");
    net.up(dev, "eth0");
    net.ip(dev, "route", "add", "default", "via", lan + ".1");
    net.exec(router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
    if (kind == NatKind.SHORT_MAPPING) {
      net.exec(
          router,
          "sysctl",
          "-q",
          "-w",
          "net.netfilter.nf_conntrack_udp_timeout=30",
          "net.netfilter.nf_conntrack_udp_timeout_stream=30");
    }
    NatRouter r = new NatRouter(kind, router, dev, wan, lan);
    r.load(lab, kind.ruleset(wan, r.deviceIp, DEVICE_PORT));
    return r;
  }

  /** Loads an nftables ruleset into the router from a file in the lab's directory. */
  void load(Lab lab, String ruleset) throws IOException {
    Path f = lab.dir.resolve("nft-" + routerNs + "-" + System.nanoTime() + ".nft");
    Files.writeString(f, ruleset, StandardCharsets.UTF_8);
    lab.net.exec(routerNs, "nft", "-f", f.toString());
  }

  /** Refuses (TCP reset) the device's connections to {@code port} on the internet. */
  void blockTcp(Lab lab, int port) throws IOException {
    load(
        lab,
        "table ip natblock {\n  chain forward { type filter hook forward priority filter - 1;\n"
            + "    iifname \"lan0\" tcp dport "
            + port
            + " reject with tcp reset\n  }\n}\n");
  }

  /** Lifts {@link #blockTcp}. */
  void unblockTcp() throws IOException {
    Command.check("ip", "netns", "exec", routerNs, "nft", "delete", "table", "ip", "natblock");
  }

  /** Drops the device's UDP to and from {@code port} of {@code host} (both ways, at the router). */
  void blockUdp(Lab lab, String host, int port) throws IOException {
    load(
        lab,
        "table ip udpblock {\n  chain forward { type filter hook forward priority filter - 1;\n"
            + "    iifname \"lan0\" ip daddr "
            + host
            + " udp dport "
            + port
            + " counter drop\n"
            + "    iifname \"eth0\" ip saddr "
            + host
            + " udp sport "
            + port
            + " counter drop\n  }\n}\n");
  }

  /** Lifts {@link #blockUdp}. */
  void unblockUdp() throws IOException {
    Command.check("ip", "netns", "exec", routerNs, "nft", "delete", "table", "ip", "udpblock");
  }

  /** The router's nftables state (for failure messages). */
  String dump() {
    try {
      return Lab.exec(List.of("ip", "netns", "exec", routerNs, "nft", "list", "ruleset"), 10).out();
    } catch (IOException e) {
      return "(nft list failed: " + e.getMessage() + ")";
    }
  }

  /** The router's UDP conntrack entries (for failure messages). */
  String conntrack() {
    try {
      return Lab.exec(List.of("ip", "netns", "exec", routerNs, "cat", "/proc/net/nf_conntrack"), 10)
          .out()
          .lines()
          .filter(l -> l.contains(" udp "))
          .collect(java.util.stream.Collectors.joining("\n"));
    } catch (IOException e) {
      return "(no conntrack table: " + e.getMessage() + ")";
    }
  }

  @Override
  public String toString() {
    return kind + " NAT " + wanIp + " -> " + deviceIp;
  }
}
