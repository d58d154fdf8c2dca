/**
 * The primitives every Trellis protocol shares, one implementation each: {@link
 * dev.trellis.proto.crypto.X25519} (RFC 7748 Diffie-Hellman, on BouncyCastle's constant-time code:
 * the WireGuard handshake, the control channel, disco boxes and relay proofs all use it), {@link
 * dev.trellis.proto.crypto.Hkdf} (RFC 5869 HKDF-SHA256: the control channel's Noise KDF, disco box
 * keys and relay node-key proofs) and {@link dev.trellis.proto.crypto.ChaChaPoly} (RFC 8439
 * ChaCha20-Poly1305 in place, OpenSSL's through FFM where it loads and passes a self-test, else the
 * JDK's: the agent's WireGuard data plane and both ends of the control channel). WireGuard's own
 * KDF is HKDF over HMAC-BLAKE2s and lives with the WireGuard code in the agent.
 */
package dev.trellis.proto.crypto;
