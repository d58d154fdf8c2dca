package dev.trellis.agent.paths;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.proto.key.NodePublicKey;

/**
 * Told when a peer's traffic changes path: to a direct endpoint (found, or a better one), or back
 * to the relay (the direct path went silent, or the peer restarted). The daemon logs it.
 *
 * <p>Thread-safety: called on the path layer's threads (the {@code paths-timer} thread, or the
 * thread that received a pong) while a peer's lock is held: it must return quickly and must not
 * call back into {@link Paths}.
 */
@FunctionalInterface
public interface PathListener {
  /** Does nothing. */
  PathListener NONE = (peer, direct, was, why) -> {};

  /**
   * @param peer the peer
   * @param direct the direct endpoint now in use, or {@code null}: through the relay
   * @param was the direct endpoint used before, or {@code null}: the relay
   * @param why a short reason ("pong", "silent", "peer restarted")
   */
  void changed(NodePublicKey peer, Endpoint direct, Endpoint was, String why);
}
