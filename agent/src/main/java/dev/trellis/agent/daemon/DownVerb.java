package dev.trellis.agent.daemon;

import dev.trellis.agent.localapi.ReplyWriter;
import dev.trellis.agent.localapi.Request;
import dev.trellis.agent.localapi.RequestHandler;
import java.io.IOException;

/**
 * {@code down}: closes the map stream, stops the tunnel's traffic and remembers that the user wants
 * it down (so a restart does not reconnect); the keys and the registration are kept, and {@code up}
 * resumes without registering again.
 *
 * <p>Thread-safety: stateless itself; runs on a local API thread, never beside another {@code up},
 * {@code down} or {@code logout} ({@link Verbs#addSerialized}).
 */
final class DownVerb implements RequestHandler {
  private final StateStore store;
  private final BackendPhase phase;
  private final MapSession session;
  private final NetmapApplier applier;

  DownVerb(StateStore store, BackendPhase phase, MapSession session, NetmapApplier applier) {
    this.store = store;
    this.phase = phase;
    this.session = session;
    this.applier = applier;
  }

  @Override
  public void handle(Request r, ReplyWriter out) throws IOException {
    down();
    out.ok();
  }

  /** Takes the tunnel down (also the first step of {@code logout}). */
  void down() throws IOException {
    session.stop();
    AgentState s = store.update(old -> old.withWantRunning(false));
    phase.set(s.nodeId() == null ? BackendState.NeedsLogin : BackendState.Stopped, "");
    applier.clear(s.nodeKey());
    store.save();
  }
}
