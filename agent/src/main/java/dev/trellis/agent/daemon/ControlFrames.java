package dev.trellis.agent.daemon;

import dev.trellis.proto.control.v1.MapResponse;
import java.io.IOException;
import java.io.PrintStream;

/**
 * Routes the frames of the current map stream: netmap frames go to the {@link NetmapApplier}; a
 * {@code reauth_required} or {@code logged_out} frame ends the session: the device needs a login
 * (the message says why), the tunnel stops, the user's wish to run is dropped so a restart does not
 * reconnect, a logged-out device also forgets its registration, and the state is saved.
 *
 * <p>Thread-safety: stateless itself; called on the stream's "control-map" thread.
 */
final class ControlFrames implements MapSession.FrameSink {
  private final NetmapApplier applier;
  private final StateStore store;
  private final BackendPhase phase;
  private final PrintStream log;

  ControlFrames(NetmapApplier applier, StateStore store, BackendPhase phase, PrintStream log) {
    this.applier = applier;
    this.store = store;
    this.phase = phase;
    this.log = log;
  }

  @Override
  public void onFrame(MapResponse frame) throws IOException {
    if (!frame.hasReauthRequired() && !frame.hasLoggedOut()) {
      applier.apply(frame);
      return;
    }
    boolean loggedOut = frame.hasLoggedOut();
    String why =
        loggedOut
            ? frame.getLoggedOut().getReasonCode() + ": " + frame.getLoggedOut().getMessage()
            : frame.getReauthRequired().getReasonCode()
                + ": "
                + frame.getReauthRequired().getMessage();
    AgentState s =
        store.update(
            old -> (loggedOut ? old.withRegistration(null, null) : old).withWantRunning(false));
    phase.set(BackendState.NeedsLogin, why);
    log.println("trellisd: " + why.replaceAll("\\p{Cntrl}", "?"));
    applier.clear(s.nodeKey());
    store.save();
  }
}
