package dev.trellis.agent.daemon;

import com.google.protobuf.ByteString;
import dev.trellis.agent.controlclient.ControlConnection;
import dev.trellis.agent.controlclient.ControlKeyFetcher;
import dev.trellis.agent.controlclient.ControlServerUrl;
import dev.trellis.agent.controlclient.MapStream;
import dev.trellis.agent.controlclient.Registration;
import dev.trellis.agent.controlclient.WebSocketChannel;
import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.agent.localapi.AgentStatusCodec;
import dev.trellis.agent.localapi.ReplyWriter;
import dev.trellis.agent.localapi.Request;
import dev.trellis.agent.paths.netcheck.HomeRegion;
import dev.trellis.agent.paths.netcheck.NetcheckReport;
import dev.trellis.proto.control.CapabilityVersion;
import dev.trellis.proto.control.v1.Endpoint;
import dev.trellis.proto.control.v1.HostInfo;
import dev.trellis.proto.control.v1.MapRequest;
import dev.trellis.proto.control.v1.MapResponse;
import dev.trellis.proto.control.v1.RegisterRequest;
import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.control.v1.RelayMap;
import dev.trellis.proto.key.MachinePublicKey;
import dev.trellis.proto.key.NodePrivateKey;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The agent daemon's control logic: runs {@code up} (pin the control key, register over the
 * channel, open the map stream), {@code down} and {@code logout}; folds netmap frames into the
 * {@link Netmap} and applies it to the {@link Tunnel}; reports endpoints every {@link
 * #REPORT_EVERY} when they change; and persists the {@link AgentState}. The status shown to users
 * is built by {@link StatusView}.
 *
 * <p>Thread-safety: requests arrive on control-socket threads, frames on the "control-map" thread,
 * reports on "endpoint-report"; shared fields are guarded by {@code this}, and at most one {@code
 * up}/{@code down}/{@code logout} runs at a time (guarded by {@code commandLock}).
 */
public final class Daemon implements AutoCloseable {
  /** How often endpoints are checked (and expiries re-evaluated). */
  public static final Duration REPORT_EVERY = Duration.ofSeconds(10);

  /** How long {@code up} waits for the first netmap after registering. */
  static final Duration FIRST_NETMAP = Duration.ofSeconds(30);

  static final String VERSION = "0.1.0";

  private final Path stateFile;
  private final Tunnel tunnel;
  private final PrintStream log;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService reporter =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("endpoint-report").daemon().unstarted(r));
  private final Object commandLock = new Object();

  // guarded by this
  private AgentState state;
  private Netmap netmap = Netmap.EMPTY;
  private BackendState phase;
  private String message = "";
  private String authUrl = "";
  private String hostname;
  private MapStream stream;
  private long generation; // which stream's frames count; bumped whenever the stream changes
  private List<Endpoint> reported = List.of();
  private int reportedHome;
  private RelayMap relayMap = RelayMap.getDefaultInstance();
  private List<Endpoint> stunEndpoints = List.of();
  private NetcheckReport lastNetcheck;
  private final HomeRegion homeRegion = new HomeRegion();

  public Daemon(Path stateFile, AgentState state, Tunnel tunnel, PrintStream log) {
    this.stateFile = stateFile;
    this.state = state;
    this.tunnel = tunnel;
    this.log = log;
    this.hostname = systemHostname();
    this.phase = state.nodeId() == null ? BackendState.NeedsLogin : BackendState.Stopped;
  }

  /** Starts the periodic reports and, if the user left the tunnel up, reconnects. */
  public void start() {
    reporter.scheduleWithFixedDelay(
        this::periodic, REPORT_EVERY.toMillis(), REPORT_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    synchronized (this) {
      if (state.wantRunning() && state.nodeId() != null && state.controlKey() != null) {
        phase = BackendState.Starting;
        startStream();
      }
    }
  }

  /** Answers one control-socket request. */
  public void handle(Request r, ReplyWriter out) throws IOException {
    switch (r.verb()) {
      case "status" -> out.raw(AgentStatusCodec.encode(status()));
      case "up" -> {
        synchronized (commandLock) {
          up(r, out);
        }
      }
      case "down" -> {
        synchronized (commandLock) {
          down();
        }
        out.ok();
      }
      case "netcheck" -> PathCommands.netcheck(this, out);
      case "ping" -> PathCommands.ping(this, r, out);
      case "logout" -> {
        synchronized (commandLock) {
          logout(out);
        }
      }
      default -> out.error("BAD_REQUEST", "unknown request " + r.verb());
    }
  }

  /** The status for {@code trellis status}. */
  public synchronized AgentStatus status() {
    return StatusView.build(
        phase,
        message,
        authUrl,
        state.loginServer(),
        tunnel.name(),
        tunnel.listenPort(),
        netmap,
        tunnel.peers(),
        tunnel.paths()::status,
        tunnel.filterDrops(),
        Instant.now());
  }

  // ---- up ----

  private void up(Request r, ReplyWriter out) throws IOException {
    String server = r.get("login_server", null);
    AgentState s;
    synchronized (this) {
      s = state;
      if (r.fields().containsKey("hostname")) {
        hostname = r.get("hostname", hostname);
      }
    }
    if (server == null) {
      server = s.loginServer();
    }
    if (server == null) {
      out.error("USAGE", "--login-server URL is required the first time");
      return;
    }
    ControlServerUrl url;
    try {
      url = ControlServerUrl.parse(server);
    } catch (IllegalArgumentException e) {
      out.error("USAGE", e.getMessage());
      return;
    }
    MachinePublicKey key;
    try {
      key = controlKey(url, r.get("control_key", null), s);
    } catch (IOException | IllegalArgumentException e) {
      out.error("CONTROL_KEY", e.getMessage());
      return;
    }
    boolean sameServer = url.toString().equals(s.loginServer());
    if (!sameServer) {
      s = s.withRegistration(null, null); // another server: another registration
    }
    s = s.withServer(url.toString(), key);
    stopStream();
    String authKey = r.get("auth_key", "");
    boolean force = "true".equals(r.get("force_reauth", "false"));
    if (!authKey.isEmpty() || s.nodeId() == null || force) {
      NodePrivateKey nodeKey = force ? NodePrivateKey.generate() : s.nodeKey();
      RegisterRequest.Builder req =
          RegisterRequest.newBuilder()
              .setCapabilityVersion(CapabilityVersion.CURRENT)
              .setMachineKey(bytes(s.machineKey().publicKey().toBytes()))
              .setNodeKey(bytes(nodeKey.publicKey().toBytes()))
              .setDiscoKey(bytes(tunnel.discoPublicKey().toBytes()))
              .setHostInfo(hostInfo())
              .setAuthKey(authKey);
      if (force) {
        req.setOldNodeKey(bytes(s.nodeKey().publicKey().toBytes()));
      }
      String tags = r.get("advertise_tags", "");
      if (!tags.isBlank()) {
        for (String t : tags.split(",")) {
          if (!t.isBlank()) {
            req.addRequestedTags(t.strip());
          }
        }
      }
      RegisterResponse resp;
      AgentState pinned = s;
      synchronized (this) {
        state = pinned;
        phase = BackendState.NeedsLogin;
        message = "registering with " + url;
      }
      save();
      try (ControlConnection c = WebSocketChannel.open(http, url, s.machineKey(), key)) {
        resp =
            Registration.run(
                c,
                req.build(),
                link -> {
                  synchronized (this) {
                    authUrl = link;
                    message = "waiting for the login at " + link;
                  }
                  try {
                    out.line("auth_url", link);
                  } catch (IOException e) {
                    // the CLI went away; the login may still complete
                  }
                },
                Duration.ofSeconds(60));
      } catch (IOException | InterruptedException e) {
        synchronized (this) {
          message = "registration failed: " + e.getMessage();
          authUrl = "";
        }
        out.error("REGISTER_FAILED", e.getMessage());
        return;
      }
      synchronized (this) {
        authUrl = "";
      }
      if (!resp.getErrorCode().isEmpty()) {
        synchronized (this) {
          message = resp.getErrorCode() + ": " + resp.getErrorMessage();
        }
        out.error(resp.getErrorCode(), resp.getErrorMessage());
        return;
      }
      s = s.withNodeKey(nodeKey).withRegistration(resp.getNodeId(), resp);
      log.println(
          "trellisd: registered as node " + resp.getNodeId() + " (" + resp.getNodeName() + ")");
    }
    synchronized (this) {
      state = s.withWantRunning(true);
      netmap = Netmap.EMPTY;
      phase = BackendState.Starting;
      message = "";
    }
    save();
    synchronized (this) {
      startStream();
    }
    awaitFirstNetmap(out);
  }

  private MachinePublicKey controlKey(ControlServerUrl url, String flag, AgentState s)
      throws IOException {
    MachinePublicKey key =
        flag != null ? MachinePublicKey.parse(flag) : new ControlKeyFetcher(http).fetch(url);
    if (url.toString().equals(s.loginServer())
        && s.controlKey() != null
        && !s.controlKey().equals(key)) {
      throw new IOException(
          "the control key of "
              + url
              + " changed from the pinned "
              + s.controlKey()
              + " to "
              + key
              + "; refusing to talk to it (if the server was really re-keyed, move the state file"
              + " away and log in again)");
    }
    return key;
  }

  private void awaitFirstNetmap(ReplyWriter out) throws IOException {
    long deadline = System.nanoTime() + FIRST_NETMAP.toNanos();
    synchronized (this) {
      while (phase == BackendState.Starting && System.nanoTime() < deadline) {
        try {
          wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    BackendState p;
    String m;
    synchronized (this) {
      p = phase;
      m = message;
    }
    switch (p) {
      case Running, NeedsApproval -> {
        out.line("state", p.name());
        out.ok();
      }
      case Starting ->
          out.error(
              "TIMEOUT",
              "registered, but no netmap within " + FIRST_NETMAP.toSeconds() + " s: " + m);
      default -> out.error("REFUSED", m.isEmpty() ? "state " + p : m);
    }
  }

  // ---- down / logout ----

  private void down() throws IOException {
    stopStream();
    NodePrivateKey key;
    synchronized (this) {
      state = state.withWantRunning(false);
      phase = state.nodeId() == null ? BackendState.NeedsLogin : BackendState.Stopped;
      message = "";
      netmap = Netmap.EMPTY;
      key = state.nodeKey();
    }
    tunnel.stop(key);
    save();
  }

  private void logout(ReplyWriter out) throws IOException {
    AgentState s;
    synchronized (this) {
      s = state;
    }
    down();
    String note = "";
    if (s.nodeId() != null && s.loginServer() != null && s.controlKey() != null) {
      RegisterRequest req =
          RegisterRequest.newBuilder()
              .setCapabilityVersion(CapabilityVersion.CURRENT)
              .setMachineKey(bytes(s.machineKey().publicKey().toBytes()))
              .setNodeKey(bytes(s.nodeKey().publicKey().toBytes()))
              .setDiscoKey(bytes(tunnel.discoPublicKey().toBytes()))
              .setHostInfo(hostInfo())
              .setLogout(true)
              .build();
      ControlServerUrl url = ControlServerUrl.parse(s.loginServer());
      try (ControlConnection c = WebSocketChannel.open(http, url, s.machineKey(), s.controlKey())) {
        RegisterResponse r = Registration.run(c, req, link -> {}, Duration.ofSeconds(15));
        if (!r.getErrorCode().isEmpty()) {
          note = "the server said " + r.getErrorCode() + ": " + r.getErrorMessage();
        }
      } catch (IOException | InterruptedException e) {
        note = "could not tell the server: " + e.getMessage();
      }
    }
    synchronized (this) {
      state = state.withRegistration(null, null).withWantRunning(false);
      phase = BackendState.NeedsLogin;
      message = "logged out" + (note.isEmpty() ? "" : " (" + note + ")");
    }
    save();
    if (!note.isEmpty()) {
      out.line("message", note);
    }
    out.ok();
  }

  // ---- the map stream ----

  /** Starts the stream for the current state; caller holds this. */
  private void startStream() {
    AgentState s = state;
    ControlServerUrl url = ControlServerUrl.parse(s.loginServer());
    ControlConnection.Opener opener =
        () -> WebSocketChannel.open(http, url, s.machineKey(), s.controlKey());
    generation++;
    stream = new MapStream(opener, this::mapRequest, new Frames(generation)).start();
  }

  private void stopStream() {
    MapStream old;
    synchronized (this) {
      old = stream;
      stream = null;
      generation++;
    }
    if (old != null) {
      old.close();
    }
  }

  private synchronized MapRequest mapRequest() {
    List<Endpoint> eps = endpoints();
    reported = eps;
    reportedHome = tunnel.relays().homeRegion();
    return MapRequest.newBuilder()
        .setCapabilityVersion(CapabilityVersion.CURRENT)
        .setNodeKey(bytes(state.nodeKey().publicKey().toBytes()))
        .setDiscoKey(bytes(tunnel.discoPublicKey().toBytes()))
        .addAllEndpoints(eps)
        .setHomeRelayRegion(reportedHome)
        .setHostInfo(hostInfo())
        .setResumeToken(netmap.hasSelf() ? netmap.resumeToken() : "")
        .setNetmapVersion(netmap.hasSelf() ? netmap.version() : 0)
        .build();
  }

  /** Applies each frame; runs on the stream's thread. */
  private final class Frames implements MapStream.Listener {
    private final long generation;

    Frames(long generation) {
      this.generation = generation;
    }

    private boolean current() {
      synchronized (Daemon.this) {
        return generation == Daemon.this.generation;
      }
    }

    @Override
    public void onFrame(MapResponse frame) {
      if (!current()) {
        return; // a frame of a stream that was already stopped
      }
      try {
        apply(frame);
      } catch (IOException | RuntimeException e) {
        log.println("trellisd: cannot apply the netmap: " + e.getMessage());
        synchronized (Daemon.this) {
          message = "cannot apply the netmap: " + e.getMessage();
        }
      }
    }

    @Override
    public void onConnected() {
      synchronized (Daemon.this) {
        if (current() && message.startsWith("control:")) {
          message = "";
        }
      }
    }

    @Override
    public void onDisconnected(String why) {
      synchronized (Daemon.this) {
        if (current()) {
          message = "control: reconnecting (" + why + ")";
        }
      }
    }
  }

  private void apply(MapResponse frame) throws IOException {
    NodePrivateKey key;
    synchronized (this) {
      if (frame.hasReauthRequired() || frame.hasLoggedOut()) {
        boolean out = frame.hasLoggedOut();
        message =
            out
                ? frame.getLoggedOut().getReasonCode() + ": " + frame.getLoggedOut().getMessage()
                : frame.getReauthRequired().getReasonCode()
                    + ": "
                    + frame.getReauthRequired().getMessage();
        phase = BackendState.NeedsLogin;
        netmap = Netmap.EMPTY;
        if (out) {
          state = state.withRegistration(null, null);
        }
        state = state.withWantRunning(false);
        stream = null;
        key = state.nodeKey();
        notifyAll();
      } else {
        netmap = netmap.apply(frame);
        if (frame.hasFull()) {
          tunnel.filter(frame.getFull().getPacketFilter());
        } else if (frame.hasPacketFilterChanged()) {
          tunnel.filter(frame.getPacketFilterChanged());
        }
        if (frame.hasFull()) {
          relayMap = frame.getFull().getRelayMap();
        } else if (frame.hasRelayMapChanged()) {
          relayMap = frame.getRelayMapChanged();
        }
        key = null;
      }
    }
    if (key != null) {
      log.println("trellisd: " + message);
      tunnel.stop(key);
      save();
      return;
    }
    reapply();
  }

  /** Applies the current netmap to the tunnel (after a frame, and periodically for expiries). */
  private void reapply() throws IOException {
    Netmap m;
    NodePrivateKey key;
    synchronized (this) {
      if (phase == BackendState.Stopped || phase == BackendState.NeedsLogin || stream == null) {
        return;
      }
      m = netmap;
      key = state.nodeKey();
    }
    if (!m.hasSelf()) {
      return;
    }
    boolean authorized = m.self().getMachineAuthorized();
    RelayMap rm;
    synchronized (this) {
      rm = relayMap;
    }
    tunnel.relays().setNodeKey(key);
    if (!rm.equals(tunnel.relays().relayMap())) {
      tunnel.relays().setRelayMap(rm);
      // choose a home region and report the STUN endpoints soon, off this thread: peers need our
      // public address to punch through to us, so it must not wait for the next periodic report
      reporter.execute(
          () -> {
            netcheck();
            reportIfChanged();
          });
    }
    tunnel.configure(
        PathConfig.throughPaths(
            NetmapConfig.device(m, key, 0, Instant.now(), authorized), m, tunnel.paths()),
        NetmapConfig.addresses(m.self()));
    synchronized (this) {
      if (stream != null && phase != BackendState.NeedsLogin && phase != BackendState.Stopped) {
        phase = authorized ? BackendState.Running : BackendState.NeedsApproval;
      }
      notifyAll();
    }
  }

  private void periodic() {
    try {
      reapply();
      netcheck();
      reportIfChanged();
    } catch (IOException | RuntimeException e) {
      log.println("trellisd: periodic check failed: " + e.getMessage());
    }
  }

  /** Sends the control server our endpoints and home region if they changed since last sent. */
  private void reportIfChanged() {
    try {
      MapStream s;
      MapRequest report = null;
      synchronized (this) {
        s = stream;
        List<Endpoint> eps = endpoints();
        int home = tunnel.relays().homeRegion();
        if (s != null && (!eps.equals(reported) || home != reportedHome)) {
          report =
              MapRequest.newBuilder()
                  .setCapabilityVersion(CapabilityVersion.CURRENT)
                  .setNodeKey(bytes(state.nodeKey().publicKey().toBytes()))
                  .setDiscoKey(bytes(tunnel.discoPublicKey().toBytes()))
                  .addAllEndpoints(eps)
                  .setHomeRelayRegion(home)
                  .setHostInfo(hostInfo())
                  .build();
          reported = eps;
          reportedHome = home;
        }
      }
      if (report != null && !s.report(report)) {
        synchronized (this) {
          reported = List.of(); // retry next time
        }
      }
    } catch (RuntimeException e) {
      log.println("trellisd: endpoint report failed: " + e.getMessage());
    }
  }

  // ---- paths ----

  /** Local endpoints and STUN mappings; also offered to peers in call-me-maybe. */
  private synchronized List<Endpoint> endpoints() {
    List<Endpoint> eps =
        new java.util.ArrayList<>(EndpointScanner.scan(tunnel.name(), tunnel.listenPort()));
    for (Endpoint e : stunEndpoints) {
      if (eps.stream().noneMatch(x -> x.getAddress().equals(e.getAddress()))) {
        eps.add(e);
      }
    }
    List<dev.trellis.agent.bind.Endpoint> own = new java.util.ArrayList<>();
    for (Endpoint e : eps) {
      dev.trellis.agent.bind.Endpoint b = NetmapConfig.endpoint(e.getAddress());
      if (b != null) {
        own.add(b);
      }
    }
    tunnel.paths().setOwnEndpoints(own);
    return eps;
  }

  /** Runs a netcheck over the relay map, keeps its STUN mappings and picks the home region. */
  NetcheckReport netcheck() {
    RelayMap rm;
    synchronized (this) {
      rm = relayMap;
    }
    NetcheckReport r = PathCommands.check(rm, tunnel.paths());
    int home = tunnel.relays().homeRegion();
    int next = homeRegion.choose(home, r, rm, tunnel.relays()::regionDown);
    if (next != 0 && next != home) {
      tunnel.relays().setHome(next);
    }
    List<Endpoint> stun = new java.util.ArrayList<>();
    for (dev.trellis.agent.bind.Endpoint e : r.publicEndpoints()) {
      stun.add(
          Endpoint.newBuilder()
              .setAddress(e.toString())
              .setType(dev.trellis.proto.control.v1.EndpointType.STUN)
              .build());
    }
    synchronized (this) {
      stunEndpoints = stun;
      lastNetcheck = r;
    }
    return r;
  }

  /** The netmap and the tunnel, for the path commands. */
  synchronized Netmap netmapForPaths() {
    return netmap;
  }

  Tunnel tunnelForPaths() {
    return tunnel;
  }

  // ---- helpers ----

  private synchronized HostInfo hostInfo() {
    return HostInfo.newBuilder()
        .setHostname(hostname)
        .setOs("linux")
        .setOsVersion(System.getProperty("os.version", ""))
        .setAgentVersion(VERSION)
        .setArch(arch())
        .build();
  }

  private static String arch() {
    String a = System.getProperty("os.arch", "");
    return a.equals("x86_64") ? "amd64" : a.equals("aarch64") ? "arm64" : a;
  }

  private static String systemHostname() {
    try {
      String h = java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (IOException e) {
      // fall through
    }
    return "localhost";
  }

  private static ByteString bytes(byte[] b) {
    return ByteString.copyFrom(b);
  }

  private void save() throws IOException {
    AgentState s;
    synchronized (this) {
      s = state;
    }
    StateFile.write(stateFile, s);
  }

  /** Stops the stream and the reports; the caller closes the tunnel. */
  @Override
  public void close() {
    reporter.shutdownNow();
    stopStream();
  }
}
