package dev.trellis.proto.channel;

import dev.trellis.proto.key.MachinePublicKey;

/**
 * A completed control-channel handshake, seen from one side.
 *
 * <p>Thread-safety: immutable apart from the cipher, whose own doc applies.
 *
 * @param peerKey the other side's static key: for the coordinator the device's machine key
 *     (authenticated by the handshake), for the device the pinned coordinator key
 * @param peerCapabilityVersion the capability version the other side sent in its payload
 * @param cipher the transport cipher for this side's records
 * @param reply for the coordinator: message 2, to send to the device; for the device: empty
 * @param handshakeHash the final Noise handshake hash h (a channel binding; not secret)
 */
public record HandshakeResult(
    MachinePublicKey peerKey,
    int peerCapabilityVersion,
    TransportCipher cipher,
    byte[] reply,
    byte[] handshakeHash) {}
