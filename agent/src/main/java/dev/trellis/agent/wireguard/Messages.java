package dev.trellis.agent.wireguard;

/**
 * The WireGuard wire format: four message types, all integers little-endian, every message starting
 * with a 4-byte type (1 byte type, 3 zero bytes).
 *
 * <pre>
 * 1 handshake initiation, 148 bytes             2 handshake response, 92 bytes
 *   0  type = 1            (4)                    0  type = 2            (4)
 *   4  sender index        (4)                    4  sender index        (4)
 *   8  unencrypted_ephemeral (32)                 8  receiver index      (4)
 *  40  encrypted_static    (32 + 16 tag)         12  unencrypted_ephemeral (32)
 *  88  encrypted_timestamp (12 + 16 tag)         44  encrypted_nothing   (0 + 16 tag)
 * 116  mac1                (16)                  60  mac1                (16)
 * 132  mac2                (16)                  76  mac2                (16)
 *
 * 3 cookie reply, 64 bytes                      4 transport data, 16 + n + 16 bytes
 *   0  type = 3            (4)                    0  type = 4            (4)
 *   4  receiver index      (4)                    4  receiver index      (4)
 *   8  nonce               (24)                   8  counter             (8)
 *  32  encrypted_cookie    (16 + 16 tag)         16  encrypted packet, zero-padded to a
 *                                                    multiple of 16, then a 16-byte tag
 * </pre>
 *
 * <p>Flow (Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s): the initiator sends 1; the responder checks MAC1
 * (and, under load, MAC2 — answering 3 with an encrypted cookie if it is missing), derives the
 * session and answers 2; the initiator derives the same session and may send 4 at once; the
 * responder starts using the session when the first 4 arrives (key confirmation). A keepalive is a
 * 4 with an empty payload. MAC1 = MAC(HASH("mac1----" || receiver's static public key), message up
 * to mac1); MAC2 = MAC(cookie, message up to mac2), or zeros without a cookie.
 *
 * <p>Each message has its own record and codec ({@link Initiation}, {@link Response}, {@link
 * CookieReply}, {@link Transport}); decoders return {@code null} for bad input and never throw.
 * {@code HandshakeVectorsTest} pins messages 1, 2, 3 and a keepalive with hex vectors computed
 * independently from fixed keys.
 *
 * <p>Thread-safety: stateless.
 */
public final class Messages {
  private Messages() {}

  /** Offset of mac1 within a handshake message of {@code size} bytes. */
  public static int mac1Offset(int size) {
    return size - 32;
  }

  /** Offset of mac2 within a handshake message of {@code size} bytes. */
  public static int mac2Offset(int size) {
    return size - 16;
  }

  /**
   * The type of a datagram (1-4) if its type field is valid and its size fits the type, otherwise
   * 0. Transport messages must be at least {@link Spec#TRANSPORT_MIN_SIZE} bytes.
   */
  public static int classify(byte[] buf, int off, int len) {
    if (len < 4 || buf[off + 1] != 0 || buf[off + 2] != 0 || buf[off + 3] != 0) {
      return 0;
    }
    int type = buf[off];
    return switch (type) {
      case Spec.TYPE_INITIATION -> len == Spec.INITIATION_SIZE ? type : 0;
      case Spec.TYPE_RESPONSE -> len == Spec.RESPONSE_SIZE ? type : 0;
      case Spec.TYPE_COOKIE_REPLY -> len == Spec.COOKIE_REPLY_SIZE ? type : 0;
      case Spec.TYPE_TRANSPORT -> len >= Spec.TRANSPORT_MIN_SIZE ? type : 0;
      default -> 0;
    };
  }

  /** Reads a little-endian 32-bit integer. */
  public static int getInt(byte[] b, int o) {
    return (b[o] & 0xff)
        | (b[o + 1] & 0xff) << 8
        | (b[o + 2] & 0xff) << 16
        | (b[o + 3] & 0xff) << 24;
  }

  /** Writes a little-endian 32-bit integer. */
  public static void putInt(byte[] b, int o, int v) {
    b[o] = (byte) v;
    b[o + 1] = (byte) (v >>> 8);
    b[o + 2] = (byte) (v >>> 16);
    b[o + 3] = (byte) (v >>> 24);
  }

  /** Reads a little-endian 64-bit integer. */
  public static long getLong(byte[] b, int o) {
    return (getInt(b, o) & 0xffffffffL) | ((long) getInt(b, o + 4)) << 32;
  }

  /** Writes a little-endian 64-bit integer. */
  public static void putLong(byte[] b, int o, long v) {
    putInt(b, o, (int) v);
    putInt(b, o + 4, (int) (v >>> 32));
  }

  static byte[] slice(byte[] b, int off, int len) {
    return java.util.Arrays.copyOfRange(b, off, off + len);
  }
}
