package dev.trellis.agent.daemon;

import dev.trellis.agent.controlclient.ControlConnection;
import dev.trellis.agent.controlclient.ControlServerUrl;
import dev.trellis.agent.controlclient.Registration;
import dev.trellis.agent.controlclient.WebSocketChannel;
import dev.trellis.agent.localapi.ReplyWriter;
import dev.trellis.agent.localapi.Request;
import dev.trellis.agent.localapi.RequestHandler;
import dev.trellis.proto.control.v1.RegisterRequest;
import dev.trellis.proto.control.v1.RegisterResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * {@code logout}: takes the tunnel {@link DownVerb#down down}, tells the coordinator (a
 * registration with {@code logout} set, over a fresh channel) and forgets the registration; the
 * keys stay. A server that cannot be told or that refuses is named in the reply and the status
 * message; the device is logged out locally either way.
 *
 * <p>Thread-safety: stateless itself; runs on a local API thread, never beside another {@code up},
 * {@code down} or {@code logout} ({@link Verbs#addSerialized}).
 */
final class LogoutVerb implements RequestHandler {
  /** How long the coordinator has to confirm the logout. */
  static final Duration LIMIT = Duration.ofSeconds(15);

  private final HttpClient http;
  private final StateStore store;
  private final BackendPhase phase;
  private final ControlRequests requests;
  private final DownVerb down;

  LogoutVerb(
      HttpClient http,
      StateStore store,
      BackendPhase phase,
      ControlRequests requests,
      DownVerb down) {
    this.http = http;
    this.store = store;
    this.phase = phase;
    this.requests = requests;
    this.down = down;
  }

  @Override
  public void handle(Request r, ReplyWriter out) throws IOException {
    AgentState s = store.current();
    down.down();
    String note = "";
    if (s.nodeId() != null && s.loginServer() != null && s.controlKey() != null) {
      note = tellServer(s);
    }
    store.update(old -> old.withRegistration(null, null).withWantRunning(false));
    phase.set(BackendState.NeedsLogin, "logged out" + (note.isEmpty() ? "" : " (" + note + ")"));
    store.save();
    if (!note.isEmpty()) {
      out.line("message", note);
    }
    out.ok();
  }

  /** Sends the logout; returns what went wrong, or empty. */
  private String tellServer(AgentState s) {
    RegisterRequest req = requests.register(s, s.nodeKey()).setLogout(true).build();
    ControlServerUrl url = ControlServerUrl.parse(s.loginServer());
    try (ControlConnection c = WebSocketChannel.open(http, url, s.machineKey(), s.controlKey())) {
      RegisterResponse resp = Registration.run(c, req, link -> {}, LIMIT);
      return resp.getErrorCode().isEmpty()
          ? ""
          : "the server said " + resp.getErrorCode() + ": " + resp.getErrorMessage();
    } catch (IOException | InterruptedException e) {
      return "could not tell the server: " + e.getMessage();
    }
  }
}
