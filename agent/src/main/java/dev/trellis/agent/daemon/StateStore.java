package dev.trellis.agent.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * The daemon's persistent state: holds the current {@link AgentState} and writes it to the state
 * file ({@link StateFile}) when asked.
 *
 * <p>Thread-safety: the state is guarded by {@code this}; {@link #save} is serialised by its own
 * lock and always writes the state current at that moment, so two saves never interleave and the
 * last one written is the latest state.
 */
final class StateStore {
  private final Path file;
  private final Object writeLock = new Object();
  private AgentState state; // guarded by this

  StateStore(Path file, AgentState initial) {
    this.file = file;
    this.state = initial;
  }

  synchronized AgentState current() {
    return state;
  }

  /** Replaces the state (not yet saved). */
  synchronized void replace(AgentState next) {
    state = next;
  }

  /** Replaces the state by {@code change} of it (not yet saved); returns the new state. */
  synchronized AgentState update(UnaryOperator<AgentState> change) {
    state = change.apply(state);
    return state;
  }

  /** Writes the current state to the state file. */
  void save() throws IOException {
    synchronized (writeLock) {
      StateFile.write(file, current());
    }
  }
}
