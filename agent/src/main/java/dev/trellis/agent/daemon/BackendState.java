package dev.trellis.agent.daemon;

/**
 * The daemon's state as {@code trellis status} reports it.
 *
 * <p>Thread-safety: immutable enum.
 */
public enum BackendState {
  /** Not registered (never, logged out, or the key must be re-authenticated). */
  NeedsLogin,
  /** Registered; connecting to the coordinator or waiting for the first netmap. */
  Starting,
  /** The netmap is applied and the tunnel carries traffic. */
  Running,
  /** Registered, but an admin must approve the device before it gets peers. */
  NeedsApproval,
  /** Registered, but the user stopped the tunnel ({@code trellis down}). */
  Stopped
}
