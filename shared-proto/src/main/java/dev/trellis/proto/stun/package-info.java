/**
 * STUN (RFC 5389 / RFC 8489) Binding, the one codec of both ends: the relay's STUN server answers
 * binding requests with it, and the agent's netcheck sends requests and reads the responses on its
 * WireGuard socket. {@link dev.trellis.proto.stun.StunMessage} opens with the byte layout and the
 * flow; {@link dev.trellis.proto.stun.StunDecoder} turns any datagram into a {@link
 * dev.trellis.proto.stun.StunResult} (a message, or the {@link dev.trellis.proto.stun.StunRefusal}
 * to count), never an exception; {@link dev.trellis.proto.stun.StunEncoder} writes messages.
 */
package dev.trellis.proto.stun;
