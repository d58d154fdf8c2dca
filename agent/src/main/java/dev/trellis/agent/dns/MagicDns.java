package dev.trellis.agent.dns;

import dev.trellis.agent.netmap.Netmap;
import dev.trellis.agent.netmap.NetmapListener;
import dev.trellis.proto.control.v1.DnsConfig;
import dev.trellis.proto.control.v1.Node;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * The device's MagicDNS: follows the applied netmaps and keeps the resolver and the OS in step.
 *
 * <p>Each {@link #apply} (one netmap snapshot) builds a new {@link RecordTable} and {@link
 * UpstreamRoutes} and swaps them in whole, so queries see either the old netmap or the new one and
 * a removed peer stops resolving as soon as its removal is applied. The first snapshot that asks
 * for DNS (MagicDNS on, resolvers, split domains or extra records) starts it: the resolver's
 * addresses on the tunnel interface, the {@link InputGuard}, the {@link DnsListeners}, then the OS
 * pointed at it through the {@link OsConfigurator}, whose original resolvers are read first (they
 * are the upstreams for other names). A snapshot that no longer asks for DNS, {@link #stop} ({@code
 * trellis down}, {@code logout}) and {@link #close} (daemon stop) undo it all, the OS first. {@link
 * #recover} at daemon start undoes what a crashed run left behind.
 *
 * <p>Failures (no nftables, a port taken) are logged and shown in {@link #status}; the netmap is
 * still applied, and the next snapshot tries again.
 *
 * <p>Thread-safety: {@link #apply}, {@link #stop}, {@link #recover} and {@link #close} are
 * synchronized; the listeners read the current {@link ResolverState} through a volatile field.
 */
public final class MagicDns implements NetmapListener, AutoCloseable {
  /**
   * What {@code trellis dns status} shows.
   *
   * @param running whether the resolver is listening
   * @param mode how the OS is configured
   * @param listening the resolver's addresses
   * @param suffix the MagicDNS suffix, or empty when MagicDNS is off
   * @param names how many names the resolver answers itself
   * @param splitDomains the split-DNS domains
   * @param problem what went wrong last, or empty
   * @param counters the query counters
   */
  public record Status(
      boolean running,
      String mode,
      List<String> listening,
      String suffix,
      int names,
      List<String> splitDomains,
      String problem,
      Map<String, Long> counters) {}

  private final ResolverLink link;
  private final OsConfigurator managed;
  private final OsConfigurator unmanaged;
  private final InputGuard guard;
  private final int port;
  private final PrintStream log;
  private final DnsCounters counters = new DnsCounters();
  private volatile ResolverState state = ResolverState.EMPTY;

  // guarded by this
  private OsConfigurator os;
  private Node lastSelf;
  private Collection<Node> lastPeers = List.of();
  private DnsConfig lastConfig = DnsConfig.getDefaultInstance();
  private Forwarder forwarder;
  private DnsListeners listeners;
  private List<InetAddress> addresses = List.of();
  private List<Upstream> original = List.of();
  private OsDnsConfig osApplied;
  private String problem = "";

  /**
   * @param link the tunnel interface
   * @param managed how to point the OS at the resolver
   * @param unmanaged what leaves the OS alone (for {@code --accept-dns=false})
   * @param acceptDns whether to use {@code managed} at first
   * @param guard the input guard, or null to run without one (tests on loopback)
   * @param port the port to listen on ({@link ResolverAddress#PORT}; tests use others)
   * @param log where failures are written
   */
  public MagicDns(
      ResolverLink link,
      OsConfigurator managed,
      OsConfigurator unmanaged,
      boolean acceptDns,
      InputGuard guard,
      int port,
      PrintStream log) {
    this.link = link;
    this.managed = managed;
    this.unmanaged = unmanaged;
    this.os = acceptDns ? managed : unmanaged;
    this.guard = guard;
    this.port = port;
    this.log = log;
  }

  /** The daemon applied {@code netmap}; {@link Netmap#EMPTY} when the tunnel stopped. */
  @Override
  public void applied(Netmap netmap) {
    if (netmap.hasSelf()) {
      apply(netmap.self(), netmap.peers().values(), netmap.dns());
    } else {
      stop();
    }
  }

  /**
   * Whether the OS should use the resolver ({@code trellis up --accept-dns}); a change puts back
   * what the previous choice set and applies the last netmap again under the new one.
   */
  public synchronized void acceptDns(boolean accept) {
    OsConfigurator next = accept ? managed : unmanaged;
    if (next == os) {
      return;
    }
    restoreOs();
    os = next;
    if (listeners != null) {
      original = os.originalResolvers();
      apply(lastSelf, lastPeers, lastConfig);
    }
  }

  /** Undoes what a run that did not stop cleanly left: the OS configuration and the guard. */
  public synchronized void recover() {
    try {
      managed.restore();
    } catch (IOException e) {
      note("cannot restore the resolver configuration a previous run left: " + e.getMessage());
    }
    if (guard != null) {
      guard.remove();
    }
  }

  /** Takes one applied netmap: {@code self}, its visible {@code peers} and the DNS config. */
  public synchronized void apply(Node self, Collection<Node> peers, DnsConfig config) {
    lastSelf = self;
    lastPeers = List.copyOf(peers);
    lastConfig = config;
    if (!wanted(config)) {
      stop();
      return;
    }
    if (listeners == null && !start()) {
      return;
    }
    RecordTable table = RecordTable.build(self, peers, config);
    UpstreamRoutes routes = UpstreamRoutes.of(config, original);
    state = new ResolverState(table, routes);
    OsDnsConfig want = osConfig(table, routes, config);
    if (!want.equals(osApplied)) {
      try {
        os.apply(want);
        osApplied = want;
      } catch (IOException | RuntimeException e) {
        note("cannot point the system at the resolver (" + os.mode() + "): " + e.getMessage());
      }
    }
  }

  /** Whether {@code config} asks for the resolver at all. */
  static boolean wanted(DnsConfig config) {
    return config.getMagicDnsEnabled()
        || config.getResolversCount() > 0
        || config.getRoutesCount() > 0
        || config.getExtraRecordsCount() > 0;
  }

  private boolean start() {
    original = os.originalResolvers();
    try {
      addresses = link.addResolverAddresses();
    } catch (IOException | RuntimeException e) {
      note("cannot add the resolver's addresses to " + link.name() + ": " + e.getMessage());
      return false;
    }
    if (guard != null) {
      try {
        guard.install();
      } catch (IOException e) {
        note(
            "no input guard (nftables): the resolver still answers only this host's own"
                + " addresses; "
                + e.getMessage());
      }
    }
    List<InetSocketAddress> binds = new ArrayList<>();
    for (InetAddress a : addresses) {
      binds.add(new InetSocketAddress(a, port));
    }
    forwarder = new Forwarder(counters);
    try {
      listeners = DnsListeners.start(binds, () -> state, forwarder, counters, true);
    } catch (IOException e) {
      note(e.getMessage());
      forwarder.close();
      forwarder = null;
      link.removeResolverAddresses();
      if (guard != null) {
        guard.remove();
      }
      return false;
    }
    problem = "";
    return true;
  }

  private OsDnsConfig osConfig(RecordTable table, UpstreamRoutes routes, DnsConfig config) {
    Set<String> search = new LinkedHashSet<>();
    Set<String> routing = new LinkedHashSet<>();
    if (table.suffix() != null) {
      search.add(DomainName.text(table.suffix()));
      routing.add(DomainName.text(table.suffix()));
    }
    for (String s : config.getSearchDomainsList()) {
      Name n = DomainName.parse(s);
      if (n != null) {
        search.add(DomainName.text(n));
      }
    }
    for (Name n : routes.splitDomains()) {
      routing.add(DomainName.text(n));
    }
    for (Name n : table.extraNames()) {
      routing.add(DomainName.text(n));
    }
    return new OsDnsConfig(
        addresses, List.copyOf(search), List.copyOf(routing), routes.hasGlobal());
  }

  /** Puts the OS back and stops the resolver; a no-op when it is not running. */
  public synchronized void stop() {
    restoreOs();
    if (listeners != null) {
      listeners.close();
      listeners = null;
    }
    if (forwarder != null) {
      forwarder.close();
      forwarder = null;
    }
    if (!addresses.isEmpty()) {
      link.removeResolverAddresses();
      addresses = List.of();
    }
    if (guard != null) {
      guard.remove();
    }
    state = ResolverState.EMPTY;
  }

  private void restoreOs() {
    if (osApplied != null) {
      try {
        os.restore();
      } catch (IOException | RuntimeException e) {
        note("cannot restore the resolver configuration: " + e.getMessage());
      }
      osApplied = null;
    }
  }

  /** The resolver's state for {@code trellis dns status}. */
  public synchronized Status status() {
    ResolverState s = state;
    List<String> at = new ArrayList<>();
    if (listeners != null) {
      for (InetSocketAddress a : listeners.addresses()) {
        at.add(Upstream.of(a.getAddress(), a.getPort()).toString());
      }
    }
    List<String> split = new ArrayList<>();
    for (Name n : s.routes().splitDomains()) {
      split.add(DomainName.text(n));
    }
    split.sort(null);
    return new Status(
        listeners != null,
        os.mode(),
        at,
        s.table().suffix() == null ? "" : DomainName.text(s.table().suffix()),
        s.table().size(),
        split,
        problem,
        counters.snapshot());
  }

  /** The query counters. */
  public DnsCounters counters() {
    return counters;
  }

  private void note(String what) {
    problem = what;
    log.println("trellisd: dns: " + what);
  }

  @Override
  public synchronized void close() {
    stop();
  }
}
