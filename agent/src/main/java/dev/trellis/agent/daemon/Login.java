package dev.trellis.agent.daemon;

import com.google.protobuf.ByteString;
import dev.trellis.agent.controlclient.ControlConnection;
import dev.trellis.agent.controlclient.ControlServerUrl;
import dev.trellis.agent.controlclient.Registration;
import dev.trellis.agent.controlclient.WebSocketChannel;
import dev.trellis.agent.localapi.ReplyWriter;
import dev.trellis.agent.localapi.Request;
import dev.trellis.proto.control.v1.RegisterRequest;
import dev.trellis.proto.control.v1.RegisterResponse;
import dev.trellis.proto.key.NodePrivateKey;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * Registers the device with the coordinator for {@code up}: with the request's auth key and
 * advertised tags, or interactively (the login URL goes to the client as an {@code auth_url} line
 * at once, and to {@code trellis status}); with {@code force_reauth} under a new node key that
 * names the old one. The state with the pinned server is saved before the registration starts.
 *
 * <p>Thread-safety: stateless itself; runs on the {@code up} request's thread.
 */
final class Login {
  /** How long an interactive login may take. */
  static final Duration LOGIN_LIMIT = Duration.ofSeconds(60);

  private final HttpClient http;
  private final StateStore store;
  private final BackendPhase phase;
  private final ControlRequests requests;
  private final PrintStream log;

  Login(
      HttpClient http,
      StateStore store,
      BackendPhase phase,
      ControlRequests requests,
      PrintStream log) {
    this.http = http;
    this.store = store;
    this.phase = phase;
    this.requests = requests;
    this.log = log;
  }

  /**
   * Registers {@code s} (the state with the server pinned) at {@code url}; returns the registered
   * state, or null after replying with the error.
   */
  AgentState register(ControlServerUrl url, AgentState s, Request r, ReplyWriter out)
      throws IOException {
    boolean force = "true".equals(r.get("force_reauth", "false"));
    NodePrivateKey nodeKey = force ? NodePrivateKey.generate() : s.nodeKey();
    RegisterRequest.Builder req = requests.register(s, nodeKey).setAuthKey(r.get("auth_key", ""));
    if (force) {
      req.setOldNodeKey(ByteString.copyFrom(s.nodeKey().publicKey().toBytes()));
    }
    String tags = r.get("advertise_tags", "");
    if (!tags.isBlank()) {
      for (String t : tags.split(",")) {
        if (!t.isBlank()) {
          req.addRequestedTags(t.strip());
        }
      }
    }
    store.replace(s);
    phase.set(BackendState.NeedsLogin, "registering with " + url);
    store.save();
    RegisterResponse resp;
    try (ControlConnection c = WebSocketChannel.open(http, url, s.machineKey(), s.controlKey())) {
      resp =
          Registration.run(
              c,
              req.build(),
              link -> {
                phase.loginAt(link);
                try {
                  out.line("auth_url", link);
                } catch (IOException e) {
                  // the CLI went away; the login may still complete
                }
              },
              LOGIN_LIMIT);
    } catch (IOException | InterruptedException e) {
      phase.loginEnded("registration failed: " + e.getMessage());
      out.error("REGISTER_FAILED", e.getMessage());
      return null;
    }
    phase.loginEnded(null);
    if (!resp.getErrorCode().isEmpty()) {
      phase.message(resp.getErrorCode() + ": " + resp.getErrorMessage());
      out.error(resp.getErrorCode(), resp.getErrorMessage());
      return null;
    }
    log.println(
        "trellisd: registered as node " + resp.getNodeId() + " (" + resp.getNodeName() + ")");
    return s.withNodeKey(nodeKey).withRegistration(resp.getNodeId(), resp);
  }
}
