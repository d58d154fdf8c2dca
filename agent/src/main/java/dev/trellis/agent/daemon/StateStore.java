package dev.trellis.agent.daemon;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The daemon's persistent state: holds the current {@link AgentState} and writes it to the state
 * file ({@link StateFile}) when asked.
 *
 * <p>Listeners ({@link #addListener}) hear of every replaced state, after the change and outside
 * the lock, on the thread that made it.
 *
 * <p>Thread-safety: the state is guarded by {@code this}; {@link #save} is serialised by its own
 * lock and always writes the state current at that moment, so two saves never interleave and the
 * last one written is the latest state.
 */
final class StateStore {
  private final Path file;
  private final Object writeLock = new Object();
  private final List<Consumer<AgentState>> listeners = new CopyOnWriteArrayList<>();
  private AgentState state; // guarded by this

  StateStore(Path file, AgentState initial) {
    this.file = file;
    this.state = initial;
  }

  synchronized AgentState current() {
    return state;
  }

  /** Adds a listener of state changes. */
  void addListener(Consumer<AgentState> listener) {
    listeners.add(listener);
  }

  /** Replaces the state (not yet saved). */
  void replace(AgentState next) {
    synchronized (this) {
      state = next;
    }
    listeners.forEach(l -> l.accept(next));
  }

  /** Replaces the state by {@code change} of it (not yet saved); returns the new state. */
  AgentState update(UnaryOperator<AgentState> change) {
    AgentState next;
    synchronized (this) {
      state = change.apply(state);
      next = state;
    }
    listeners.forEach(l -> l.accept(next));
    return next;
  }

  /** Writes the current state to the state file. */
  void save() throws IOException {
    synchronized (writeLock) {
      StateFile.write(file, current());
    }
  }
}
