package dev.trellis.agent.daemon;

import dev.trellis.agent.controlclient.ControlKeyFetcher;
import dev.trellis.agent.controlclient.ControlServerUrl;
import dev.trellis.agent.localapi.ReplyWriter;
import dev.trellis.agent.localapi.Request;
import dev.trellis.agent.localapi.RequestHandler;
import dev.trellis.proto.key.MachinePublicKey;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * {@code up}: pins the coordinator's control key (fetched, or given as {@code control_key}; a key
 * that differs from the one pinned for the same server is refused), registers through {@link Login}
 * when there is an auth key, no registration yet or {@code force_reauth}, keeps {@code accept_dns}
 * (whether the OS should use the tailnet's DNS) and the route fields ({@link RouteFields}) when
 * given, then opens the map stream and waits up to {@link #FIRST_NETMAP} for the first netmap.
 * Replies {@code state=Running} or {@code NeedsApproval}, or an error naming why.
 *
 * <p>Thread-safety: stateless itself; runs on a local API thread, never beside another {@code up},
 * {@code down} or {@code logout} ({@link Verbs#addSerialized}).
 */
final class UpVerb implements RequestHandler {
  /** How long {@code up} waits for the first netmap after registering. */
  static final Duration FIRST_NETMAP = Duration.ofSeconds(30);

  private final HttpClient http;
  private final StateStore store;
  private final BackendPhase phase;
  private final HostInfoSource host;
  private final Login login;
  private final MapSession session;
  private final NetmapApplier applier;

  UpVerb(
      HttpClient http,
      StateStore store,
      BackendPhase phase,
      HostInfoSource host,
      Login login,
      MapSession session,
      NetmapApplier applier) {
    this.http = http;
    this.store = store;
    this.phase = phase;
    this.host = host;
    this.login = login;
    this.session = session;
    this.applier = applier;
  }

  @Override
  public void handle(Request r, ReplyWriter out) throws IOException {
    String server = r.get("login_server", null);
    AgentState s = store.current();
    if (r.fields().containsKey("hostname")) {
      host.hostname(r.get("hostname", ""));
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
    if (!url.toString().equals(s.loginServer())) {
      s = s.withRegistration(null, null); // another server: another registration
    }
    s = s.withServer(url.toString(), key);
    String acceptDns = r.get("accept_dns", null);
    if (acceptDns != null) {
      s = s.withAcceptDns(!acceptDns.equals("false"));
    }
    try {
      s = s.withRoutes(RouteFields.apply(s.routes(), r));
    } catch (IllegalArgumentException e) {
      out.error("USAGE", e.getMessage());
      return;
    }
    host.routes(s.routes().advertised()); // the registration below already offers them
    session.stop();
    boolean force = "true".equals(r.get("force_reauth", "false"));
    if (!r.get("auth_key", "").isEmpty() || s.nodeId() == null || force) {
      s = login.register(url, s, r, out);
      if (s == null) {
        host.routes(store.current().routes().advertised()); // nothing changed
        return; // the reply says why
      }
    }
    store.replace(s.withWantRunning(true));
    applier.reset();
    phase.set(BackendState.Starting, "");
    store.save();
    session.start(store.current());
    awaitFirstNetmap(r, out);
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

  private void awaitFirstNetmap(Request r, ReplyWriter out) throws IOException {
    BackendPhase.View v = phase.awaitLeaving(BackendState.Starting, FIRST_NETMAP);
    switch (v.state()) {
      case Running, NeedsApproval -> {
        String problem = SetVerb.exitNodeProblem(r, store.current().routes(), applier.current());
        if (problem != null) {
          // the tunnel is up, but without the exit node the user asked for
          store.update(s -> s.withRoutes(s.routes().withExitNode("")));
          store.save();
          applier.reapply();
          out.error("EXIT_NODE", problem + "; the tunnel is up without an exit node");
          return;
        }
        out.line("state", v.state().name());
        out.ok();
      }
      case Starting ->
          out.error(
              "TIMEOUT",
              "registered, but no netmap within "
                  + FIRST_NETMAP.toSeconds()
                  + " s: "
                  + v.message());
      default -> out.error("REFUSED", v.message().isEmpty() ? "state " + v.state() : v.message());
    }
  }
}
