package dev.trellis.proto.channel;

import java.nio.charset.StandardCharsets;

/**
 * The device <-> coordinator channel protocol: its constants and byte layout. The classes of this
 * package implement it with the JDK's ChaCha20-Poly1305 and SHA-256 and the shared X25519 and HKDF
 * of {@link dev.trellis.proto.crypto}, so that the agent and the coordinator share one
 * implementation.
 *
 * <pre>
 * Transport: one WebSocket (GET /control/v1/channel); every message below is one binary frame.
 * Handshake: Noise_IK_25519_ChaChaPoly_SHA256, prologue "trellis-control-v1".
 *   The device (initiator) knows the coordinator's static key (GET /control/v1/key, pinned).
 *   The device's static key is its machine key, which the coordinator learns from message 1.
 *
 *   message 1, device -> coordinator (100 bytes with the 4-byte payload):
 *     e (32) | encrypted s (32 + 16 tag) | encrypted payload (4 + 16 tag)
 *     tokens: e, es, s, ss;  payload = device capability version, uint32 big-endian
 *   message 2, coordinator -> device (52 bytes):
 *     e (32) | encrypted payload (4 + 16 tag)
 *     tokens: e, ee, se;  payload = coordinator capability version, uint32 big-endian
 *
 * Records (after the handshake), each one WebSocket binary message of at most 4 MiB:
 *     ChaCha20-Poly1305(key of the direction, nonce = 0^32 || counter little-endian 64, ad = empty,
 *                       plaintext = protobuf ClientMessage (device -> coordinator)
 *                                   or ServerMessage (coordinator -> device))
 *   Each direction has its own key (Noise Split(): the first for device -> coordinator) and
 *   counter, starting at 0 and advancing by one per record; the counter is implicit (WebSocket
 *   delivers in order), so a replayed, reordered, dropped or altered record fails to decrypt.
 *   Counter 2^64-1 is never used; a channel that reaches it must be re-established.
 *   Any handshake or record failure closes the channel (ChannelException says why).
 * </pre>
 *
 * <p>Unlike plain Noise, records may exceed 65535 bytes (up to {@link #MAX_RECORD_BYTES}): a full
 * netmap of a large tailnet is one record. The AEAD has no such limit.
 *
 * <p>Thread-safety: constants only.
 */
public final class ControlChannel {
  /** The Noise protocol name (exactly 32 bytes, so it is the initial hash as is). */
  public static final String PROTOCOL_NAME = "Noise_IK_25519_ChaChaPoly_SHA256";

  /** The largest record (ciphertext including its 16-byte tag) either side accepts or sends. */
  public static final int MAX_RECORD_BYTES = 4 * 1024 * 1024;

  /** The largest handshake message either side accepts (the Noise limit). */
  public static final int MAX_HANDSHAKE_BYTES = 65535;

  /** Size of message 1 with the 4-byte capability payload. */
  public static final int MESSAGE1_BYTES = 32 + 48 + 4 + 16;

  /** Size of message 2 with the 4-byte capability payload. */
  public static final int MESSAGE2_BYTES = 32 + 4 + 16;

  static final String PROLOGUE_TEXT = "trellis-control-v1";

  private ControlChannel() {}

  /** The handshake prologue, {@code "trellis-control-v1"} in ASCII (a fresh copy). */
  public static byte[] prologue() {
    return PROLOGUE_TEXT.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] uint32(int value) {
    return new byte[] {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
  }

  /** The capability version at the start of a handshake payload. */
  static int readUint32(byte[] payload) throws ChannelException {
    if (payload.length < 4) {
      throw new ChannelException(
          ChannelException.Reason.HANDSHAKE_FAILED,
          "the handshake payload has " + payload.length + " bytes, needs a 4-byte version");
    }
    int v =
        ((payload[0] & 0xff) << 24)
            | ((payload[1] & 0xff) << 16)
            | ((payload[2] & 0xff) << 8)
            | (payload[3] & 0xff);
    if (v < 0) {
      throw new ChannelException(
          ChannelException.Reason.HANDSHAKE_FAILED, "the capability version is out of range");
    }
    return v;
  }
}
