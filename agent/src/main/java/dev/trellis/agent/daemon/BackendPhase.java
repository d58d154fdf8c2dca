package dev.trellis.agent.daemon;

import java.time.Duration;

/**
 * Where the daemon is in its lifecycle, as {@code trellis status} shows it: the {@link
 * BackendState}, a message saying why (an error, a reconnect, a pending login) and the login URL of
 * an interactive registration. {@code up} waits here for the first netmap.
 *
 * <p>Thread-safety: every field is guarded by {@code this}; every change wakes the waiters of
 * {@link #awaitLeaving}.
 */
final class BackendPhase {
  /** One consistent reading. */
  record View(BackendState state, String message, String authUrl) {}

  private BackendState state; // guarded by this
  private String message = ""; // guarded by this
  private String authUrl = ""; // guarded by this

  BackendPhase(BackendState initial) {
    this.state = initial;
  }

  synchronized View view() {
    return new View(state, message, authUrl);
  }

  /** Moves to {@code next} with {@code why} as the message. */
  synchronized void set(BackendState next, String why) {
    state = next;
    message = why;
    notifyAll();
  }

  /** Replaces the message only. */
  synchronized void message(String why) {
    message = why;
    notifyAll();
  }

  /** An interactive login is waiting at {@code url}. */
  synchronized void loginAt(String url) {
    authUrl = url;
    message = "waiting for the login at " + url;
    notifyAll();
  }

  /** The login ended; {@code why} replaces the message unless it is null. */
  synchronized void loginEnded(String why) {
    authUrl = "";
    if (why != null) {
      message = why;
    }
    notifyAll();
  }

  /** Clears a message the map stream left ({@code control: ...}) once it is connected again. */
  synchronized void clearControlMessage() {
    if (message.startsWith("control:")) {
      message = "";
      notifyAll();
    }
  }

  /** Whether the tunnel is meant to be down: the user stopped it or the device must log in. */
  synchronized boolean idle() {
    return state == BackendState.Stopped || state == BackendState.NeedsLogin;
  }

  /**
   * A netmap was applied: {@code Running}, or {@code NeedsApproval} when the device is not
   * authorized yet; nothing changes when the tunnel is meant to be down.
   */
  synchronized void netmapApplied(boolean authorized) {
    if (state != BackendState.NeedsLogin && state != BackendState.Stopped) {
      state = authorized ? BackendState.Running : BackendState.NeedsApproval;
    }
    notifyAll();
  }

  /**
   * Waits until the state is no longer {@code from} or {@code limit} passed (or the thread is
   * interrupted, which stays set); returns the reading then.
   */
  synchronized View awaitLeaving(BackendState from, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (state == from && System.nanoTime() < deadline) {
      try {
        wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return view();
  }
}
