package dev.trellis.agent.paths;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.paths.disco.DiscoMessage;
import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.key.NodePublicKey;

/**
 * Where a {@link PeerPath} sends the disco messages it decides on: the UDP socket or a relay.
 * {@link Paths} seals and sends them; unit tests record them.
 *
 * <p>Thread-safety: implementations must allow calls from any thread.
 */
interface DiscoOut {
  /** Sends {@code m}, sealed to {@code key}, over UDP to {@code to}. */
  void direct(Endpoint to, DiscoPublicKey key, DiscoMessage m);

  /**
   * Sends {@code m}, sealed to {@code key} once, over UDP to each of {@code to} (the same bytes to
   * every address: a burst of probes need not seal each).
   */
  default void directAll(java.util.List<Endpoint> to, DiscoPublicKey key, DiscoMessage m) {
    for (Endpoint e : to) {
      direct(e, key, m);
    }
  }

  /** Sends {@code m}, sealed to {@code key}, to node {@code to} through relay {@code region}. */
  void relay(int region, NodePublicKey to, DiscoPublicKey key, DiscoMessage m);
}
