package dev.trellis.agent.device;

import dev.trellis.agent.bind.Endpoint;

/**
 * Work for the handshake thread: a received handshake message (a copy), a request to initiate a
 * handshake with a peer, or a request to resend the peer's outstanding initiation now.
 *
 * @param message the datagram bytes, or {@code null} for a request
 * @param from where the datagram came from
 * @param peer the peer to initiate with, for a request
 * @param resend for a request: resend the outstanding initiation (the peer's path changed)
 */
record HandshakeJob(byte[] message, Endpoint from, Peer peer, boolean resend) {
  /** A received handshake message. */
  static HandshakeJob received(byte[] message, Endpoint from) {
    return new HandshakeJob(message, from, null, false);
  }
}
