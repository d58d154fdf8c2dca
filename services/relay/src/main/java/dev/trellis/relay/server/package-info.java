/**
 * The relay port: HTTP upgrade to the frame protocol, device sessions (handshake, relay) and
 * incoming mesh links.
 */
package dev.trellis.relay.server;
