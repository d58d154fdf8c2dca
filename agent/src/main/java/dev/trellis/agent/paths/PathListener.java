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
  PathListener NONE = (peer, route, now, was, why) -> {};

  /**
   * @param peer the peer
   * @param route the endpoint traffic now goes to (direct, or a UDP relay session), or {@code
   *     null}: through the TLS relay
   * @param now how the path now in use reads in a log ({@code direct ADDR}, {@code udp-relay:REGION
   *     ADDR} or {@code relay})
   * @param was how the path used before reads, likewise
   * @param why a short reason ("pong", "silent", "peer restarted")
   */
  void changed(NodePublicKey peer, Endpoint route, String now, String was, String why);
}
