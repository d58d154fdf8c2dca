package dev.trellis.agent.netmap;

/**
 * Something that follows the netmap the daemon has applied to the tunnel: a DNS resolver that
 * answers for the peers' names, a route installer that follows the peers' routes. It receives each
 * applied {@link Netmap} snapshot once its content changed, and {@link Netmap#EMPTY} when the
 * tunnel stops (down, logout, or the control plane ending the session), so it can take back what it
 * set up.
 *
 * <p>Thread-safety: called on one thread at a time, in the order the snapshots were applied (the
 * daemon's netmap or endpoint-report thread, or a local API thread for down and logout). An
 * implementation should return quickly; an exception it throws is logged and does not stop the
 * other listeners or the daemon.
 */
@FunctionalInterface
public interface NetmapListener {
  /** {@code netmap} is now what the tunnel is configured with. */
  void applied(Netmap netmap);
}
