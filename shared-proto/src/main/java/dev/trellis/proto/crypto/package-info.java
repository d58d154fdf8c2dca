/**
 * The primitives every Trellis protocol shares, one implementation each: {@link
 * dev.trellis.proto.crypto.X25519} (RFC 7748 Diffie-Hellman, on BouncyCastle's constant-time code:
 * the WireGuard handshake, the control channel, disco boxes and relay proofs all use it) and {@link
 * dev.trellis.proto.crypto.Hkdf} (RFC 5869 HKDF-SHA256: the control channel's Noise KDF, disco box
 * keys and relay node-key proofs). WireGuard's own KDF is HKDF over HMAC-BLAKE2s and lives with the
 * WireGuard code in the agent.
 */
package dev.trellis.proto.crypto;
