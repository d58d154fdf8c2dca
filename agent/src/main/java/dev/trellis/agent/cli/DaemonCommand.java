package dev.trellis.agent.cli;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.daemon.AgentState;
import dev.trellis.agent.daemon.Daemon;
import dev.trellis.agent.daemon.StateFile;
import dev.trellis.agent.daemon.Tunnel;
import dev.trellis.agent.device.DropReason;
import dev.trellis.agent.device.PeerStatus;
import dev.trellis.agent.dns.DnsStatusVerb;
import dev.trellis.agent.dns.InputGuard;
import dev.trellis.agent.dns.MagicDns;
import dev.trellis.agent.dns.OsConfigurators;
import dev.trellis.agent.dns.ResolverAddress;
import dev.trellis.agent.localapi.ControlServer;
import dev.trellis.agent.localapi.InterfaceStatus;
import dev.trellis.agent.localapi.PeerAccess;
import dev.trellis.agent.netconf.ExternalProgram;
import dev.trellis.agent.netconf.IpCommand;
import dev.trellis.agent.netconf.LinkSetup;
import dev.trellis.agent.netconf.NftTable;
import dev.trellis.agent.paths.PathStatus;
import dev.trellis.agent.paths.Paths;
import dev.trellis.agent.routes.ForwardingTable;
import dev.trellis.agent.routes.PolicyRouting;
import dev.trellis.agent.routes.RouteManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code trellisd [--state-dir DIR] [--socket PATH] [--tun NAME] [--port N] [--operator
 * USER|group:NAME]}: the agent daemon. Creates the state directory (0700) and loads or creates the
 * state file (0600; a corrupt one stops the daemon with a message naming it), opens the TUN and the
 * WireGuard device, puts back the resolver configuration (and removes the routes) a crashed run
 * left, attaches MagicDNS and the route installer ({@link RouteManager}) to the applied netmaps,
 * serves the control socket, and runs until SIGTERM/SIGINT, when it restores the resolver
 * configuration and removes the TUN and the socket.
 *
 * <p>Thread-safety: set up on the main thread, which then waits for the shutdown hook.
 */
final class DaemonCommand {
  static final String DEFAULT_STATE_DIR = "/var/lib/trellis";
  static final String DEFAULT_SOCKET = "/run/trellis/trellisd.sock";
  static final int DEFAULT_PORT = 41641;

  private DaemonCommand() {}

  /** A started daemon: the tunnel, the daemon on it, its resolver and the local API. */
  record Running(
      Tunnel tunnel, Daemon daemon, MagicDns dns, RouteManager routes, ControlServer control) {
    /**
     * Removes the socket, stops the daemon, puts the resolver configuration back, deletes the TUN.
     */
    void close() {
      try {
        control.close();
      } catch (IOException e) {
        // best effort
      }
      daemon.close();
      dns.close();
      routes.close();
      tunnel.close();
    }
  }

  static int run(List<String> args, PrintStream err) throws UsageError, IOException {
    return ShutdownHook.await(start(args, err)::close);
  }

  /** Sets the daemon up as {@code args} say and starts it; the caller closes it. */
  static Running start(List<String> args, PrintStream err) throws UsageError, IOException {
    Flags f = new Flags(args, Set.of("state-dir", "socket", "tun", "port", "operator"), Set.of());
    PeerAccess access;
    try {
      access =
          f.has("operator") ? PeerAccess.operator(f.get("operator", "")) : PeerAccess.ownerOnly();
    } catch (IllegalArgumentException e) {
      throw new UsageError(e.getMessage());
    }
    Path dir = Path.of(f.get("state-dir", DEFAULT_STATE_DIR));
    Path socket = Path.of(f.get("socket", DEFAULT_SOCKET));
    String tunName = f.get("tun", WgDaemon.DEFAULT_TUN);
    int port = f.getInt("port", DEFAULT_PORT, 0, 65535);

    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Path stateFile = dir.resolve("state.conf");
    AgentState state = StateFile.read(stateFile);
    if (state == null) {
      state = AgentState.fresh();
      StateFile.write(stateFile, state);
      err.println("trellisd: new device, keys written to " + stateFile);
    }

    Tunnel tunnel = Tunnel.open(tunName, port, state.nodeKey(), err);
    Daemon daemon = new Daemon(stateFile, state, tunnel, err);
    MagicDns dns =
        new MagicDns(
            tunnel,
            OsConfigurators.detect(true, tunnel.name(), dir),
            OsConfigurators.detect(false, tunnel.name(), dir),
            state.acceptDns(),
            new InputGuard(new ExternalProgram("nft", "nftables"), tunnel.name()),
            ResolverAddress.PORT,
            err);
    dns.recover();
    daemon.addNetmapListener(dns);
    daemon.addStateListener(s -> dns.acceptDns(s.acceptDns()));
    daemon.verbs().add("dns", new DnsStatusVerb(dns));
    RouteManager routes = routes(tunnel, state, err);
    routes.recover();
    daemon.addNetmapListener(routes);
    daemon.addStateListener(s -> routes.preferences(s.routes(), s.loginServer()));
    ControlServer control;
    try {
      control = ControlServer.start(socket, () -> wgStatus(tunnel), daemon::handle, access);
    } catch (IOException | RuntimeException e) {
      daemon.close();
      dns.close();
      routes.close();
      tunnel.close();
      throw e;
    }
    daemon.start();
    err.println(
        "trellisd: "
            + tunnel.name()
            + " up, machine key "
            + state.machineKey().publicKey()
            + ", node key "
            + state.nodeKey().publicKey()
            + ", UDP port "
            + tunnel.listenPort()
            + ", control socket "
            + socket
            + (f.has("operator") ? " (operator " + f.get("operator", "") + ")" : "")
            + ", state "
            + daemon.status().state());
    return new Running(tunnel, daemon, dns, routes, control);
  }

  /** The subnet router, exit node and route installer of {@code tunnel}. */
  private static RouteManager routes(Tunnel tunnel, AgentState state, PrintStream err) {
    ExternalProgram nft = new ExternalProgram("nft", "nftables");
    return new RouteManager(
        tunnel.name(),
        tunnel::listenPort,
        () -> LinkSetup.ipv6EnabledInProcfs(tunnel.name()),
        new PolicyRouting(new IpCommand()),
        new ForwardingTable(
            new NftTable(nft, "inet", "trellis_route_", tunnel.name()), tunnel.name()),
        state.routes(),
        state.loginServer(),
        err);
  }

  private static InterfaceStatus wgStatus(Tunnel t) {
    Map<String, Long> counters = new LinkedHashMap<>();
    var dc = t.device().counters();
    counters.put("packets_sent", dc.packetsSent());
    counters.put("packets_received", dc.packetsReceived());
    counters.put("handshakes_initiated", dc.handshakesInitiated());
    counters.put("handshakes_completed", dc.handshakesCompleted());
    for (DropReason r : DropReason.values()) {
      long n = dc.drops(r);
      if (n > 0) {
        counters.put("dropped_" + r.name().toLowerCase(Locale.ROOT), n);
      }
    }
    counters.put("relay_send_dropped", t.relays().dropped());
    ProcessFigures.addTo(counters);
    return new InterfaceStatus(t.name(), t.publicKey(), t.listenPort(), realEndpoints(t), counters);
  }

  /**
   * The peers with the endpoint traffic really uses: the device only knows each peer's virtual
   * endpoint (the path layer's handle), so a direct path shows its ip:port and a relayed or idle
   * one none, as {@code wg show} shows a peer without an endpoint.
   */
  private static List<PeerStatus> realEndpoints(Tunnel t) {
    List<PeerStatus> out = new ArrayList<>();
    for (PeerStatus p : t.peers()) {
      Endpoint e = p.endpoint();
      if (e != null && Paths.isVirtual(e)) {
        PathStatus s = t.paths().status(p.publicKey());
        e = s == null ? null : s.direct();
      }
      out.add(
          new PeerStatus(
              p.publicKey(),
              e,
              p.latestHandshake(),
              p.rxBytes(),
              p.txBytes(),
              p.allowedIps(),
              p.persistentKeepalive()));
    }
    return out;
  }
}
