package dev.trellis.netlab;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A LAN of a {@link NetLab}: a bridge in a hub namespace of its own, the root namespace on it
 * through a veth ({@link #hostIp()}, {@code 10.X.Y.1/24} with X and Y random), and any number of
 * device namespaces plugged into it ({@link #device()}: {@code .11}, {@code .12}, ...), each with
 * {@code eth0} and {@code lo} up.
 *
 * <p>The bridge lives in a namespace of its own so that frames between devices are not subject to
 * the root namespace's firewall: with br_netfilter loaded, bridged frames pass the root's iptables
 * FORWARD chain, whose policy is DROP once Docker has been installed on the machine.
 *
 * <p>Thread-safety: not thread-safe; build from the lab's thread.
 */
public final class BridgedLan {
  private final NetLab lab;
  private final String hub;
  private final String prefix;
  private final List<String> devices = new ArrayList<>();
  private int links;

  private BridgedLan(NetLab lab, String hub, String prefix) {
    this.lab = lab;
    this.hub = hub;
    this.prefix = prefix;
  }

  /** Creates the hub namespace ({@code tb + tag}), its bridge and the root namespace's link. */
  public static BridgedLan create(NetLab lab) throws IOException {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String prefix = "10." + (100 + r.nextInt(100)) + "." + r.nextInt(250) + ".";
    BridgedLan lan = new BridgedLan(lab, lab.namespace("tb"), prefix);
    lab.bridge(lan.hub, "br0");
    String root = lab.name("tbr");
    lab.veth(null, root, lan.hub, "up0");
    lab.attach(lan.hub, "up0", "br0");
    lab.address(null, root, lan.hostIp() + "/24");
    lab.up(null, root);
    return lan;
  }

  /** The root namespace's address on the LAN. */
  public String hostIp() {
    return prefix + "1";
  }

  /** A new device namespace ({@code te<n> + tag}) on the LAN; returns its name. */
  public String device() throws IOException {
    String ns = lab.namespace("te" + (devices.size() + 1));
    devices.add(ns);
    String port = "p" + (++links);
    lab.veth(hub, port, ns, "eth0");
    lab.attach(hub, port, "br0");
    lab.address(ns, "eth0", ipOf(ns) + "/24");
    lab.up(ns, "eth0");
    return ns;
  }

  /** The LAN address of a namespace made by {@link #device()}. */
  public String ipOf(String deviceNs) {
    int i = devices.indexOf(deviceNs);
    if (i < 0) {
      throw new IllegalArgumentException("not a device namespace of this LAN: " + deviceNs);
    }
    return prefix + (11 + i);
  }
}
