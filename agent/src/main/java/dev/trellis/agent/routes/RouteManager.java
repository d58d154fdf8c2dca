package dev.trellis.agent.routes;

import dev.trellis.agent.netmap.Netmap;
import dev.trellis.agent.netmap.NetmapListener;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Follows the applied netmap and the route preferences and makes the host route as they say:
 *
 * <ul>
 *   <li>as a router (while it offers routes, or has routes in force): IP forwarding on and the
 *       {@link ForwardingTable};
 *   <li>as a client: the {@link RoutePlan} (peers' subnets with {@code --accept-routes}, the exit
 *       node's default routes) installed by {@link PolicyRouting}.
 * </ul>
 *
 * {@link Netmap#EMPTY} (down, logout) and {@link #close} take everything away; {@link #recover}, at
 * the daemon's start, removes what a crashed run left.
 *
 * <p>Thread-safety: guarded by {@code this}; netmaps arrive on the applier's thread, preferences on
 * the thread that changed the state.
 */
public final class RouteManager implements NetmapListener, AutoCloseable {
  private final String tun;
  private final IntSupplier listenPort;
  private final BooleanSupplier v6;
  private final PolicyRouting routing;
  private final ForwardingTable forwarding;
  private final PrintStream log;
  private final BypassAddresses bypass = new BypassAddresses();
  private Netmap netmap = Netmap.EMPTY; // guarded by this
  private RoutePrefs prefs; // guarded by this
  private String loginServer; // guarded by this

  /**
   * @param tun the TUN interface
   * @param listenPort the agent's UDP port
   * @param v6 whether the TUN has IPv6
   */
  public RouteManager(
      String tun,
      IntSupplier listenPort,
      BooleanSupplier v6,
      PolicyRouting routing,
      ForwardingTable forwarding,
      RoutePrefs prefs,
      String loginServer,
      PrintStream log) {
    this.tun = tun;
    this.listenPort = listenPort;
    this.v6 = v6;
    this.routing = routing;
    this.forwarding = forwarding;
    this.prefs = prefs;
    this.loginServer = loginServer;
    this.log = log;
  }

  /** Removes the rules, table and nftables table a crashed run left. */
  public synchronized void recover() {
    routing.clear();
    forwarding.clear();
  }

  @Override
  public synchronized void applied(Netmap map) {
    netmap = map;
    update();
  }

  /** The preferences and control server changed (or not: then nothing happens). */
  public synchronized void preferences(RoutePrefs next, String server) {
    if (next.equals(prefs) && Objects.equals(server, loginServer)) {
      return;
    }
    prefs = next;
    loginServer = server;
    update();
  }

  /** What is installed now. */
  public synchronized RoutePlan installed() {
    return routing.installed();
  }

  /** Whether this host forwards for the tailnet now. */
  public synchronized boolean forwarding() {
    return forwarding.installed();
  }

  private void update() {
    if (!netmap.hasSelf()) {
      routing.clear();
      forwarding.remove();
      return;
    }
    try {
      boolean router = !prefs.advertised().isEmpty() || netmap.self().getApprovedRoutesCount() > 0;
      if (router) {
        IpForwarding.enable();
        forwarding.install(prefs.snatSubnetRoutes());
      } else {
        forwarding.remove();
      }
    } catch (IOException | RuntimeException e) {
      log.println("trellisd: cannot set up forwarding: " + e.getMessage());
    }
    try {
      boolean exit = ExitNodes.chosen(netmap, prefs.exitNode()) != null;
      int port = listenPort.getAsInt();
      boolean six = v6.getAsBoolean();
      RoutePlan plan = RoutePlan.of(netmap, prefs, tun, port, List.of(), List.of(), six);
      if (!plan.routes().isEmpty()) { // only then are names resolved and interfaces listed
        plan =
            RoutePlan.of(
                netmap,
                prefs,
                tun,
                port,
                bypass.of(loginServer, netmap.relayMap()),
                exit && prefs.exitNodeAllowLanAccess() ? LocalNetworks.except(tun) : List.of(),
                six);
      }
      routing.apply(plan);
    } catch (IOException | RuntimeException e) {
      log.println("trellisd: cannot install routes: " + e.getMessage());
    }
  }

  /** Takes everything away (the daemon stops). */
  @Override
  public synchronized void close() {
    netmap = Netmap.EMPTY;
    routing.clear();
    forwarding.remove();
  }
}
