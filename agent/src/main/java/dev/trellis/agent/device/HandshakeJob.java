package dev.trellis.agent.device;

import dev.trellis.agent.bind.Endpoint;

/**
 * Work for the handshake thread: a received handshake message (a copy) or a request to initiate a
 * handshake with a peer.
 *
 * @param message the datagram bytes, or {@code null} for an initiation request
 * @param from where the datagram came from
 * @param peer the peer to initiate with, for an initiation request
 */
record HandshakeJob(byte[] message, Endpoint from, Peer peer) {}
