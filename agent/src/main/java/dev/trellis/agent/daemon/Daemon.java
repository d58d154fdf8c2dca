package dev.trellis.agent.daemon;

import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.agent.localapi.AgentStatusCodec;
import dev.trellis.agent.localapi.ReplyWriter;
import dev.trellis.agent.localapi.Request;
import dev.trellis.agent.netmap.NetmapListener;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The agent daemon: puts its parts together, starts and stops them, and answers the local API. Each
 * part has one job: {@link StateStore} (persistence), {@link BackendPhase} (the state users see),
 * {@link MapSession} (the map stream's lifecycle), {@link ControlFrames} and {@link NetmapApplier}
 * (frames into the netmap, the netmap into the {@link Tunnel}, and out to the {@link
 * NetmapListener}s), {@link EndpointReporter} (endpoints, netcheck, reports), {@link
 * HostInfoSource} and {@link ControlRequests} (what the device says about itself), and one handler
 * per local API verb in {@link Verbs} ({@link UpVerb} with {@link Login}, {@link DownVerb}, {@link
 * LogoutVerb}, {@link SetVerb}, {@link NetcheckVerb}, {@link PingVerb}, status). Features plug in
 * beside them: a {@link NetmapListener} follows the applied netmap, a handler in {@link #verbs()}
 * answers a verb.
 *
 * <p>Thread-safety: the parts are thread-safe. Threads: local API requests arrive on one thread per
 * connection; frames on the stream's "control-map" thread; every {@link #REPORT_EVERY} the
 * "endpoint-report" thread re-applies the netmap (expiries), runs a netcheck and reports changed
 * endpoints, and it also runs the netcheck and report a new relay map asks for.
 */
public final class Daemon implements AutoCloseable {
  /** How often endpoints are checked (and expiries re-evaluated). */
  public static final Duration REPORT_EVERY = Duration.ofSeconds(10);

  private final Tunnel tunnel;
  private final PrintStream log;
  private final ScheduledExecutorService reports =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("endpoint-report").daemon().unstarted(r));
  private final StateStore store;
  private final BackendPhase phase;
  private final EndpointReporter endpoints;
  private final NetmapApplier applier;
  private final MapSession session;
  private final ChangeLog changes;
  private final Verbs verbs = new Verbs();

  public Daemon(Path stateFile, AgentState state, Tunnel tunnel, PrintStream log) {
    this.tunnel = tunnel;
    this.log = log;
    HttpClient http = HttpClient.newHttpClient();
    HostInfoSource host = new HostInfoSource();
    host.routes(state.routes().advertised());
    ControlRequests requests = new ControlRequests(tunnel.discoPublicKey(), host);
    this.store = new StateStore(stateFile, state);
    store.addListener(s -> host.routes(s.routes().advertised()));
    this.phase =
        new BackendPhase(state.nodeId() == null ? BackendState.NeedsLogin : BackendState.Stopped);
    this.endpoints = new EndpointReporter(tunnel, store, requests, log);
    // a new relay map: choose a home region and report the STUN endpoints soon, off the frame's
    // thread: peers need our public address to punch through to us
    this.applier =
        new NetmapApplier(tunnel, store, phase, () -> reports.execute(this::refreshEndpoints), log);
    this.changes = new ChangeLog(log, Instant::now, applier::current);
    applier.addListener(changes);
    tunnel.onPathChange(changes);
    this.session =
        new MapSession(
            http,
            () -> endpoints.streamRequest(applier.current()),
            new ControlFrames(applier, store, phase, log),
            phase,
            log);
    DownVerb down = new DownVerb(store, phase, session, applier);
    verbs
        .add("status", (r, out) -> out.raw(AgentStatusCodec.encode(status())))
        .addSerialized(
            "up",
            new UpVerb(
                http,
                store,
                phase,
                host,
                new Login(http, store, phase, requests, log),
                session,
                applier))
        .addSerialized("down", down)
        .addSerialized(
            "set",
            new SetVerb(
                store, applier, () -> reports.execute(() -> endpoints.reportIfChanged(session))))
        .addSerialized("logout", new LogoutVerb(http, store, phase, requests, down))
        .add("netcheck", new NetcheckVerb(endpoints, tunnel.relays()))
        .add("ping", new PingVerb(applier::current, tunnel.paths()));
  }

  /** Starts the periodic reports and, if the user left the tunnel up, reconnects. */
  public void start() {
    reports.scheduleWithFixedDelay(
        this::periodic, REPORT_EVERY.toMillis(), REPORT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    AgentState s = store.current();
    if (s.wantRunning() && s.nodeId() != null && s.controlKey() != null) {
      phase.set(BackendState.Starting, "");
      session.start(s);
    }
  }

  /** Answers one local API request. */
  public void handle(Request r, ReplyWriter out) throws IOException {
    verbs.handle(r, out);
  }

  /** The local API's verbs, for a feature to add its own. */
  public Verbs verbs() {
    return verbs;
  }

  /** Adds a listener of the persistent state (preferences such as {@code accept_dns}). */
  public void addStateListener(java.util.function.Consumer<AgentState> listener) {
    store.addListener(listener);
  }

  /** The persistent state as it is now. */
  public AgentState state() {
    return store.current();
  }

  /** Adds a listener of the netmap applied to the tunnel. */
  public void addNetmapListener(NetmapListener listener) {
    applier.addListener(listener);
  }

  /** The status for {@code trellis status}. */
  public AgentStatus status() {
    BackendPhase.View p = phase.view();
    return StatusView.build(
        p.state(),
        p.message(),
        p.authUrl(),
        store.current().loginServer(),
        tunnel.name(),
        tunnel.listenPort(),
        applier.current(),
        tunnel.peers(),
        tunnel.paths()::status,
        tunnel.filterDrops(),
        store.current().routes(),
        Instant.now());
  }

  private void periodic() {
    try {
      if (session.isOpen()) {
        applier.reapply();
      }
      changes.tick();
      refreshEndpoints();
    } catch (IOException | RuntimeException e) {
      log.println("trellisd: periodic check failed: " + e.getMessage());
    }
  }

  private void refreshEndpoints() {
    endpoints.netcheck();
    endpoints.reportIfChanged(session);
  }

  /** Stops the stream and the reports; the caller closes the tunnel. */
  @Override
  public void close() {
    reports.shutdownNow();
    session.stop();
    endpoints.close();
  }
}
