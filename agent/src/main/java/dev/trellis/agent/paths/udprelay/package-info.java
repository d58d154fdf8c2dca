/**
 * The agent's side of the UDP relay: a session with a peer through a relay's UDP port (bound from
 * the WireGuard socket, so a hard NAT's mapping toward the relay serves it), and which relay both
 * peers ask. The path layer ({@code dev.trellis.agent.paths}) uses it as a third kind of path:
 * below direct, above the TLS relay.
 */
package dev.trellis.agent.paths.udprelay;
