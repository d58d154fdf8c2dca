package dev.trellis.proto.stun;

import java.util.zip.CRC32;

/**
 * The STUN Binding wire format (RFC 5389 / RFC 8489), the parts Trellis speaks. All integers are
 * big-endian.
 *
 * <pre>
 * header (20 bytes)
 *    0  type            (2)   top two bits 0; 0x0001 binding request, 0x0101 binding success
 *    2  length          (2)   of the attributes, a multiple of 4 (a datagram is one message)
 *    4  magic cookie    (4)   21 12 A4 42
 *    8  transaction id  (12)  chosen by the client, echoed by the server
 * attribute
 *    0  type            (2)
 *    2  length          (2)   of the value, without padding
 *    4  value           (length, padded with zeros to a multiple of 4)
 * attributes
 *   0x0020 XOR-MAPPED-ADDRESS  0 (1) | family (1: 1 = IPv4, 2 = IPv6) | port ^ 0x2112 (2)
 *                              | address ^ (cookie | transaction id) (4 or 16)
 *   0x0001 MAPPED-ADDRESS      the same without the XOR (for old clients)
 *   0x8022 SOFTWARE            UTF-8 text naming the server
 *   0x8028 FINGERPRINT         CRC-32 of the message before it, XOR 0x5354554E; always last, and
 *                              the length field already counts it
 * </pre>
 *
 * <p>Flow: a client sends a binding request (no attributes, optionally a FINGERPRINT) from the
 * socket whose public mapping it wants to learn; the server answers a binding success response
 * carrying XOR-MAPPED-ADDRESS (and MAPPED-ADDRESS, SOFTWARE, FINGERPRINT) with the source address
 * and port it saw. The agent sends from its WireGuard socket, where STUN shares the port with
 * WireGuard and disco: a STUN message's first byte is 0x00 or 0x01 and bytes 4..8 hold the cookie,
 * while a WireGuard message has three zero bytes after its type, so {@link #isStun} tells them
 * apart.
 *
 * <p>Thread-safety: stateless.
 */
public final class StunMessage {
  /** The header length. */
  public static final int HEADER = 20;

  /** The magic cookie of RFC 5389. */
  public static final int MAGIC_COOKIE = 0x2112A442;

  /** Message types. */
  public static final int BINDING_REQUEST = 0x0001;

  public static final int BINDING_SUCCESS = 0x0101;

  /** Attribute types. */
  public static final int ATTR_MAPPED_ADDRESS = 0x0001;

  public static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
  public static final int ATTR_SOFTWARE = 0x8022;
  public static final int ATTR_FINGERPRINT = 0x8028;

  /** XORed into the CRC-32 of a FINGERPRINT ("STUN"). */
  public static final int FINGERPRINT_XOR = 0x5354554E;

  /** Address families of (XOR-)MAPPED-ADDRESS. */
  public static final int FAMILY_IPV4 = 1;

  public static final int FAMILY_IPV6 = 2;

  private StunMessage() {}

  /**
   * Whether {@code b[off .. off+len)} looks like STUN (a header's worth of bytes, top two bits of
   * the type zero, the magic cookie, a length that is a multiple of 4). Allocation-free, for
   * sorting datagrams on a shared socket.
   */
  public static boolean isStun(byte[] b, int off, int len) {
    return b != null
        && off >= 0
        && len >= HEADER
        && off + len <= b.length
        && (b[off] & 0xC0) == 0
        && u32(b, off + 4) == MAGIC_COOKIE
        && (b[off + 3] & 3) == 0;
  }

  /** The FINGERPRINT value of the {@code len} bytes at {@code b[off]} (the message before it). */
  public static int fingerprint(byte[] b, int off, int len) {
    CRC32 crc = new CRC32();
    crc.update(b, off, len);
    return (int) crc.getValue() ^ FINGERPRINT_XOR;
  }

  static int u16(byte[] b, int at) {
    return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
  }

  static int u32(byte[] b, int at) {
    return u16(b, at) << 16 | u16(b, at + 2);
  }

  static void putU16(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }

  static void putU32(byte[] b, int at, int v) {
    putU16(b, at, v >>> 16);
    putU16(b, at + 2, v);
  }

  /** Byte {@code i} of the XOR mask of addresses: the cookie, then the transaction id. */
  static byte mask(byte[] b, int txAt, int i) {
    return i < 4 ? (byte) (MAGIC_COOKIE >>> (24 - 8 * i)) : b[txAt + i - 4];
  }
}
