package dev.trellis.proto.relay;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The UDP relay's one datagram of its own: the bind, by which a device tells the relay "the UDP
 * address this datagram came from is side {@code side} of session {@code sessionId}". Everything
 * else a session's port receives is forwarded unchanged (WireGuard and disco datagrams), so the
 * data path carries no header at all.
 *
 * <h2>Flow</h2>
 *
 * <ol>
 *   <li>Over its authenticated TLS relay connection a device sends {@code UDP_RELAY_REQUEST(peer)};
 *       the relay makes a session only when the peer asked for it with this device too (mutual
 *       consent), both on this instance and in the same tailnet. Each side then gets {@code
 *       UDP_RELAY_SESSION(peer, session id, side, secret, port)}: one UDP port of the relay per
 *       session, one random secret per side.
 *   <li>Each device sends binds to that port from its WireGuard socket, with a counter that only
 *       grows (a restarted agent starts from the clock, so it still grows). The relay accepts a
 *       bind whose session id is the port's, whose MAC holds with the side's secret and whose
 *       counter is above the last accepted one of that side; the datagram's source becomes the
 *       side's address. A bind from a new address (NAT rebinding) moves the side there.
 *   <li>A datagram from one side's bound address goes to the other side's bound address, from the
 *       session's port; anything else (unbound sources, replayed or forged binds) is dropped and
 *       counted.
 * </ol>
 *
 * <h2>Layout (38 bytes)</h2>
 *
 * <pre>
 *   magic(4)      FF 54 52 42 ("\xffTRB": never a WireGuard type 1..4, a STUN header or disco)
 *   version(1)    1
 *   side(1)       0 or 1
 *   session id(8) big-endian
 *   counter(8)    big-endian, unsigned, strictly increasing per side
 *   mac(16)       the first 16 bytes of HMAC-SHA256(side secret, the 22 bytes before it)
 * </pre>
 *
 * <p>Thread-safety: stateless.
 */
public final class UdpRelayBind {
  /** A bind's length on the wire. */
  public static final int LENGTH = 38;

  /** The per-side secret's length. */
  public static final int SECRET_BYTES = 32;

  /** The version this code speaks. */
  public static final int VERSION = 1;

  private static final byte[] MAGIC = {(byte) 0xFF, 'T', 'R', 'B'};
  private static final int SIGNED = 22;
  private static final int MAC_BYTES = 16;

  /**
   * The fields of a bind, before its MAC is checked.
   *
   * @param side 0 or 1
   * @param sessionId the session
   * @param counter the sender's counter (unsigned)
   */
  public record Fields(int side, long sessionId, long counter) {}

  private UdpRelayBind() {}

  /** Whether {@code b[off .. off+len)} has a bind's length and magic (cheap; no MAC check). */
  public static boolean looksLikeBind(byte[] b, int off, int len) {
    return len == LENGTH
        && b[off] == MAGIC[0]
        && b[off + 1] == MAGIC[1]
        && b[off + 2] == MAGIC[2]
        && b[off + 3] == MAGIC[3];
  }

  /** Whether the datagram in {@code buf} (position 0 to limit) has a bind's length and magic. */
  public static boolean looksLikeBind(ByteBuffer buf) {
    return buf.limit() == LENGTH
        && buf.get(0) == MAGIC[0]
        && buf.get(1) == MAGIC[1]
        && buf.get(2) == MAGIC[2]
        && buf.get(3) == MAGIC[3];
  }

  /** A bind for side {@code side} of {@code sessionId} with {@code counter}, MAC'd by secret. */
  public static byte[] encode(int side, long sessionId, long counter, byte[] secret) {
    if (side != 0 && side != 1) {
      throw new IllegalArgumentException("side must be 0 or 1");
    }
    if (secret.length != SECRET_BYTES) {
      throw new IllegalArgumentException("secret must be 32 bytes");
    }
    byte[] out = new byte[LENGTH];
    ByteBuffer b = ByteBuffer.wrap(out);
    b.put(MAGIC).put((byte) VERSION).put((byte) side).putLong(sessionId).putLong(counter);
    System.arraycopy(mac(secret, out), 0, out, SIGNED, MAC_BYTES);
    return out;
  }

  /**
   * The fields of the bind in {@code b[off .. off+len)}, or {@code null} when it is not a
   * well-formed bind of this version (wrong length, magic, version or side). The MAC is not
   * checked: see {@link #verify}.
   */
  public static Fields decode(byte[] b, int off, int len) {
    if (!looksLikeBind(b, off, len) || b[off + 4] != VERSION) {
      return null;
    }
    int side = b[off + 5] & 0xff;
    if (side > 1) {
      return null;
    }
    ByteBuffer bb = ByteBuffer.wrap(b, off + 6, 16);
    return new Fields(side, bb.getLong(), bb.getLong());
  }

  /** Whether the bind's MAC holds with {@code secret} (constant time). */
  public static boolean verify(byte[] b, int off, int len, byte[] secret) {
    if (len != LENGTH || secret.length != SECRET_BYTES) {
      return false;
    }
    byte[] signed = new byte[SIGNED];
    System.arraycopy(b, off, signed, 0, SIGNED);
    byte[] want = mac(secret, signed);
    byte[] got = new byte[MAC_BYTES];
    System.arraycopy(b, off + SIGNED, got, 0, MAC_BYTES);
    return MessageDigest.isEqual(java.util.Arrays.copyOf(want, MAC_BYTES), got);
  }

  private static byte[] mac(byte[] secret, byte[] message) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(secret, "HmacSHA256"));
      m.update(message, 0, SIGNED);
      return m.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing", e);
    }
  }
}
