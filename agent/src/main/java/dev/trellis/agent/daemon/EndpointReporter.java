package dev.trellis.agent.daemon;

import dev.trellis.agent.netmap.Netmap;
import dev.trellis.agent.paths.netcheck.HomeRegion;
import dev.trellis.agent.paths.netcheck.Netcheck;
import dev.trellis.agent.paths.netcheck.NetcheckReport;
import dev.trellis.agent.paths.portmap.PortMapper;
import dev.trellis.agent.paths.portmap.PortMapping;
import dev.trellis.proto.control.v1.Endpoint;
import dev.trellis.proto.control.v1.EndpointType;
import dev.trellis.proto.control.v1.HostInfo;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.control.v1.RelayMap;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * This device's endpoints and home relay, and telling the coordinator about them: the local
 * interface addresses ({@link EndpointScanner}) plus the public mappings STUN found, offered to the
 * path layer for call-me-maybe; a netcheck over the relays in use that also picks the home region
 * ({@link HomeRegion}); the streaming map request (with the netmap's version and resume token); and
 * a report on the open stream whenever the endpoints or the home region changed since last sent. A
 * port mapping the gateway grants ({@link PortMapper}: PCP or NAT-PMP) is kept with each netcheck
 * and offered as a {@code PORT_MAPPED} endpoint; it is deleted on {@link #close}.
 *
 * <p>Thread-safety: what was last reported and the STUN mappings are guarded by {@code this}; a
 * netcheck runs without the lock (it waits for STUN answers) and may run on any thread.
 */
final class EndpointReporter implements AutoCloseable {
  static final Duration STUN_TIMEOUT = Duration.ofSeconds(2);

  private final Tunnel tunnel;
  private final StateStore store;
  private final ControlRequests requests;
  private final PrintStream log;
  private final HomeRegion homeRegion = new HomeRegion();
  private final PortMapper portMapper;
  private List<Endpoint> reported = List.of(); // guarded by this
  private int reportedHome; // guarded by this
  private HostInfo reportedHost; // guarded by this
  private List<Endpoint> stunEndpoints = List.of(); // guarded by this

  EndpointReporter(Tunnel tunnel, StateStore store, ControlRequests requests, PrintStream log) {
    this(tunnel, store, requests, log, PortMapper.forDefaultGateway());
  }

  EndpointReporter(
      Tunnel tunnel,
      StateStore store,
      ControlRequests requests,
      PrintStream log,
      PortMapper portMapper) {
    this.portMapper = portMapper;
    this.tunnel = tunnel;
    this.store = store;
    this.requests = requests;
    this.log = log;
  }

  /** The request that opens a map stream, resuming from {@code netmap} when it has one. */
  synchronized MapRequest streamRequest(Netmap netmap) {
    List<Endpoint> eps = endpoints();
    reported = eps;
    reportedHome = tunnel.relays().homeRegion();
    reportedHost = requests.hostInfo();
    return requests
        .map(store.current(), eps, reportedHome)
        .setResumeToken(netmap.hasSelf() ? netmap.resumeToken() : "")
        .setNetmapVersion(netmap.hasSelf() ? netmap.version() : 0)
        .build();
  }

  /**
   * Sends the coordinator our endpoints, home region and host info (the routes we offer) on {@code
   * session} if they changed.
   */
  void reportIfChanged(MapSession session) {
    try {
      MapRequest report;
      synchronized (this) {
        List<Endpoint> eps = endpoints();
        int home = tunnel.relays().homeRegion();
        HostInfo host = requests.hostInfo();
        if (!session.isOpen()
            || (eps.equals(reported) && home == reportedHome && host.equals(reportedHost))) {
          return;
        }
        report = requests.map(store.current(), eps, home).setHostInfo(host).build();
        reported = eps;
        reportedHome = home;
        reportedHost = host;
      }
      if (!session.report(report)) {
        synchronized (this) {
          reported = List.of(); // retry next time
        }
      }
    } catch (RuntimeException e) {
      log.println("trellisd: endpoint report failed: " + e.getMessage());
    }
  }

  /**
   * Runs a netcheck over the relay map in use, keeps its STUN mappings as endpoints and moves the
   * home region when the netcheck says so.
   */
  NetcheckReport netcheck() {
    RelayMap rm = tunnel.relays().relayMap();
    NetcheckReport r = Netcheck.run(rm, tunnel.paths()::stun, STUN_TIMEOUT);
    int home = tunnel.relays().homeRegion();
    int next = homeRegion.choose(home, r, rm, tunnel.relays()::regionDown);
    if (next != 0 && next != home) {
      tunnel.relays().setHome(next);
    }
    List<Endpoint> stun = new ArrayList<>();
    for (dev.trellis.agent.bind.Endpoint e : r.publicEndpoints()) {
      stun.add(Endpoint.newBuilder().setAddress(e.toString()).setType(EndpointType.STUN).build());
    }
    PortMapping before = portMapper.status();
    dev.trellis.agent.bind.Endpoint mapped = portMapper.refresh(tunnel.listenPort());
    if (mapped != null) {
      stun.addFirst(
          Endpoint.newBuilder()
              .setAddress(mapped.toString())
              .setType(EndpointType.PORT_MAPPED)
              .build());
    }
    if (!java.util.Objects.equals(mapped, before.mapped())) {
      log.println(
          "trellisd: port mapping "
              + (mapped == null ? "none" : mapped + " (" + portMapper.status().protocol() + ")"));
    }
    synchronized (this) {
      stunEndpoints = stun;
    }
    return r;
  }

  /** What port mapping the gateway offered at the last netcheck. */
  PortMapping portMapping() {
    return portMapper.status();
  }

  /** Deletes the port mapping, if any. */
  @Override
  public void close() {
    portMapper.close();
  }

  /** Local endpoints and STUN mappings; also offered to peers in call-me-maybe. */
  private synchronized List<Endpoint> endpoints() {
    List<Endpoint> eps = new ArrayList<>(EndpointScanner.scan(tunnel.name(), tunnel.listenPort()));
    for (Endpoint e : stunEndpoints) {
      if (eps.stream().noneMatch(x -> x.getAddress().equals(e.getAddress()))) {
        eps.add(e);
      }
    }
    List<dev.trellis.agent.bind.Endpoint> own = new ArrayList<>();
    for (Endpoint e : eps) {
      dev.trellis.agent.bind.Endpoint b = NetmapConfig.endpoint(e.getAddress());
      if (b != null) {
        own.add(b);
      }
    }
    tunnel.paths().setOwnEndpoints(own);
    return eps;
  }
}
