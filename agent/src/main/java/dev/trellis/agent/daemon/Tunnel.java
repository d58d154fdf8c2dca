package dev.trellis.agent.daemon;

import dev.trellis.agent.bind.BatchUdpBind;
import dev.trellis.agent.bind.Bind;
import dev.trellis.agent.bind.UdpBind;
import dev.trellis.agent.device.Device;
import dev.trellis.agent.device.DeviceConfig;
import dev.trellis.agent.device.DeviceOptions;
import dev.trellis.agent.device.DropReason;
import dev.trellis.agent.device.PeerConfig;
import dev.trellis.agent.device.PeerStatus;
import dev.trellis.agent.device.TrafficFilter;
import dev.trellis.agent.dns.ResolverAddress;
import dev.trellis.agent.dns.ResolverLink;
import dev.trellis.agent.filter.PacketFilter;
import dev.trellis.agent.netconf.InterfaceAddress;
import dev.trellis.agent.netconf.IpCommand;
import dev.trellis.agent.netconf.LinkSetup;
import dev.trellis.agent.paths.PathListener;
import dev.trellis.agent.paths.PathTimings;
import dev.trellis.agent.paths.Paths;
import dev.trellis.agent.paths.relay.RelayClients;
import dev.trellis.agent.time.SystemClock;
import dev.trellis.agent.tun.LinuxTun;
import dev.trellis.proto.key.DiscoPrivateKey;
import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.net.IpPrefix;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * The daemon's data plane: one TUN device and the WireGuard {@link Device} on it, plus the kernel
 * side (the TUN's /32 and /128 addresses, routes for 100.64.0.0/10 and fd7a:115c:a1e0::/48, link up
 * or down), and the path layer under the device ({@link Paths}: one UDP socket for WireGuard, disco
 * and STUN, with relay fallback through {@link RelayClients}). {@link #configure} applies a
 * snapshot, touching the device only when the peers or key changed (unchanged peers keep their
 * sessions) and the kernel only when the addresses changed.
 *
 * <p>Thread-safety: all methods synchronised on {@code this}.
 */
public final class Tunnel implements AutoCloseable, ResolverLink {
  private static final List<IpPrefix> ROUTES =
      List.of(NetmapConfig.TAILNET_V4, NetmapConfig.TAILNET_V6);

  private final LinuxTun tun;
  private final Device device;
  private final LinkSetup link;
  private final IpCommand ip;
  private final Paths paths;
  private final RelayClients relays;
  private final DiscoPublicKey disco;
  private final PrintStream log;
  private final PacketFilter filter =
      new PacketFilter(SystemClock.INSTANCE, PacketFilter.Options.DEFAULT);
  private DeviceConfig applied; // guarded by this
  private List<InterfaceAddress> addresses; // guarded by this; null = kernel side not set up
  private List<java.net.InetAddress> resolver = List.of(); // guarded by this; service addresses
  private boolean closed; // guarded by this

  private Tunnel(
      LinuxTun tun,
      Device device,
      IpCommand ip,
      Paths paths,
      RelayClients relays,
      DiscoPublicKey disco,
      PrintStream log) {
    this.log = log;
    this.paths = paths;
    this.relays = relays;
    this.disco = disco;
    this.tun = tun;
    this.device = device;
    this.ip = ip;
    this.link = new LinkSetup(ip);
    device.filter(
        new TrafficFilter() {
          @Override
          public boolean allowInbound(byte[] packet, int off, int len) {
            return filter.allowInbound(packet, off, len);
          }

          @Override
          public void noteOutbound(byte[] packet, int off, int len) {
            filter.noteOutbound(packet, off, len);
          }
        });
  }

  /**
   * Creates the TUN {@code name} and a device on UDP {@code port} (0 = any) keyed by {@code key}.
   */
  public static Tunnel open(String name, int port, NodePrivateKey key, PrintStream log)
      throws IOException {
    LinuxTun tun = LinuxTun.open(name, LinuxTun.DEFAULT_MTU, true);
    Device device = null;
    DiscoPrivateKey discoKey = DiscoPrivateKey.generate();
    RelayClients relays = new RelayClients(key, log);
    Paths paths = new Paths(discoKey, SystemClock.INSTANCE, relays, PathTimings.defaults());
    try {
      device =
          new Device(
              tun,
              paths.opener(p -> batchOrPlain(p, log)),
              SystemClock.INSTANCE,
              DeviceOptions.defaults());
      Tunnel t = new Tunnel(tun, device, new IpCommand(), paths, relays, discoKey.publicKey(), log);
      paths.start();
      t.configure(new DeviceConfig(key, port, List.of()), null);
      return t;
    } catch (IOException | RuntimeException e) {
      if (device != null) {
        device.close();
      }
      paths.close();
      relays.close();
      tun.close();
      new LinkSetup(new IpCommand()).deleteIfPresent(name);
      throw e;
    }
  }

  /**
   * Tells {@code listener} of every peer's path change, after the device has resent any initiation
   * still unanswered down the new path (a handshake begun towards an unreachable relay completes as
   * soon as a direct path is found, not at the 5 s retransmission).
   */
  public void onPathChange(PathListener listener) {
    paths.onPathChange(
        (peer, route, now, was, why) -> {
          device.pathChanged(peer);
          listener.changed(peer, route, now, was, why);
        });
  }

  private static Bind batchOrPlain(int port, PrintStream log) throws IOException {
    try {
      return BatchUdpBind.open(port);
    } catch (IOException | LinkageError e) {
      log.println("trellisd: batched UDP unavailable (" + e.getMessage() + "); using plain UDP");
      return UdpBind.open(port);
    }
  }

  /**
   * Applies {@code config} to the device and, when {@code addrs} is not null, sets the TUN's
   * addresses and routes and brings the link up.
   */
  public synchronized void configure(DeviceConfig config, List<InterfaceAddress> addrs)
      throws IOException {
    if (closed) {
      return;
    }
    if (applied == null
        || !applied.privateKey().sameAs(config.privateKey())
        || !applied.peers().equals(config.peers())) {
      device.reconfigure(new DeviceConfig(config.privateKey(), port(config), config.peers()));
      applied = config;
    }
    if (addrs != null && !addrs.isEmpty() && !addrs.equals(addresses)) {
      if (addresses != null) {
        ip.run("address", "flush", "dev", tun.name());
      }
      for (IpPrefix skipped : link.apply(tun.name(), tun.mtu(), addrs, ROUTES)) {
        log.println("trellisd: IPv6 is off for " + tun.name() + "; not configuring " + skipped);
      }
      addresses = List.copyOf(addrs);
      if (!resolver.isEmpty()) {
        resolver = link.addServiceAddresses(tun.name(), resolver); // the flush took them
      }
    }
  }

  private int port(DeviceConfig c) {
    int current = device.listenPort();
    return current != 0 ? current : c.listenPort();
  }

  /** Stops traffic: removes every peer and takes the link down (keys and addresses are kept). */
  public synchronized void stop(NodePrivateKey key) throws IOException {
    if (closed) {
      return;
    }
    configure(new DeviceConfig(key, 0, List.of()), null);
    ip.run("link", "set", "dev", tun.name(), "down");
    addresses = null; // re-applied (and the link brought up) by the next configure
  }

  /**
   * Adds the resolver's addresses (100.100.100.100, and fd7a:115c:a1e0::53 where the link has IPv6)
   * to the TUN, and keeps them there when it is re-addressed; see {@link ResolverLink}.
   */
  @Override
  public synchronized List<java.net.InetAddress> addResolverAddresses() throws IOException {
    if (closed || addresses == null) {
      throw new IOException(tun.name() + " is not configured yet");
    }
    resolver =
        link.addServiceAddresses(tun.name(), List.of(ResolverAddress.V4, ResolverAddress.V6));
    return resolver;
  }

  @Override
  public synchronized void removeResolverAddresses() {
    if (!closed && !resolver.isEmpty()) {
      link.removeServiceAddresses(tun.name(), resolver);
    }
    resolver = List.of();
  }

  /** The peers as the device sees them. */
  public synchronized List<PeerStatus> peers() {
    return device.status();
  }

  /**
   * Installs the node's inbound packet filter from the netmap (a full netmap's or a {@code
   * packet_filter_changed}); connections this node opened keep their return traffic.
   */
  public void filter(dev.trellis.proto.control.v1.PacketFilter rules) {
    filter.reconfigure(rules.getRulesList());
  }

  /** Inbound packets the packet filter dropped so far. */
  public long filterDrops() {
    return device.counters().drops(DropReason.FILTERED);
  }

  /** The configured peers (what the netmap allowed). */
  public synchronized List<PeerConfig> configuredPeers() {
    return applied == null ? List.of() : applied.peers();
  }

  public int listenPort() {
    return device.listenPort();
  }

  public NodePublicKey publicKey() {
    return device.publicKey();
  }

  @Override
  public String name() {
    return tun.name();
  }

  /** The path layer (virtual endpoints, path status, ping, STUN). */
  public Paths paths() {
    return paths;
  }

  /** The relay client. */
  public RelayClients relays() {
    return relays;
  }

  /** This run's disco public key (a new one every start, as the control plane expects). */
  public DiscoPublicKey discoPublicKey() {
    return disco;
  }

  public Device device() {
    return device;
  }

  public LinuxTun tun() {
    return tun;
  }

  /** Closes the device and the TUN and deletes the link. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    device.close();
    paths.close();
    relays.close();
    try {
      tun.close();
    } catch (IOException e) {
      // the device disappears with the process anyway
    }
    link.deleteIfPresent(tun.name());
  }
}
