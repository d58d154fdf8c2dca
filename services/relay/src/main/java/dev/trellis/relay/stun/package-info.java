/** The STUN (RFC 5389/8489) binding server. */
package dev.trellis.relay.stun;
