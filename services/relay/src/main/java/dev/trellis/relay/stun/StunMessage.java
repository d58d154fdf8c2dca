package dev.trellis.relay.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * STUN (RFC 5389 / RFC 8489) Binding, the parts a relay's STUN server needs.
 *
 * <pre>
 *  Header (20 bytes):  type u16 (top two bits 0) | length u16 (of the attributes, multiple of 4)
 *                      | magic cookie 0x2112A442 | transaction id (12 bytes)
 *  Attribute:          type u16 | length u16 | value (padded to a multiple of 4)
 *  Binding request     0x0001   -> success response 0x0101 with XOR-MAPPED-ADDRESS (0x0020),
 *                                  MAPPED-ADDRESS (0x0001), SOFTWARE (0x8022), FINGERPRINT (0x8028)
 *  XOR-MAPPED-ADDRESS: 0x00 | family (1 = IPv4, 2 = IPv6) | port ^ 0x2112
 *                      | address ^ (cookie | transaction id)
 *  FINGERPRINT:        CRC-32 of the message up to it, XOR 0x5354554E
 * </pre>
 *
 * {@link #parseBindingRequest} checks the header, every attribute's bounds and, when present, the
 * fingerprint; anything else yields a {@link Refusal} (for counters), never an exception.
 *
 * <p>Thread-safety: stateless.
 */
public final class StunMessage {
  /** The magic cookie of RFC 5389. */
  public static final int MAGIC_COOKIE = 0x2112A442;

  static final int HEADER = 20;
  static final int BINDING_REQUEST = 0x0001;
  static final int BINDING_SUCCESS = 0x0101;
  static final int ATTR_MAPPED_ADDRESS = 0x0001;
  static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
  static final int ATTR_SOFTWARE = 0x8022;
  static final int ATTR_FINGERPRINT = 0x8028;
  static final int FINGERPRINT_XOR = 0x5354554E;
  private static final byte[] SOFTWARE =
      "trellis-relay".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private StunMessage() {}

  /** Why a datagram is not a binding request we answer (a counter label). */
  public enum Refusal {
    /** Shorter than a header, or the length field disagrees with the datagram. */
    TRUNCATED,
    /** No magic cookie or the top bits of the type are set: not (modern) STUN. */
    NOT_STUN,
    /** STUN, but not a binding request. */
    NOT_BINDING_REQUEST,
    /** An attribute runs past the end. */
    BAD_ATTRIBUTE,
    /** FINGERPRINT present and wrong. */
    BAD_FINGERPRINT
  }

  /** The parse result: a transaction id or a refusal. */
  public record Parsed(byte[] transactionId, Refusal refusal) {
    /** Whether this is a binding request to answer. */
    public boolean ok() {
      return refusal == null;
    }
  }

  /** Parses {@code data[0, length)} as a binding request. */
  public static Parsed parseBindingRequest(byte[] data, int length) {
    if (length < HEADER || length > data.length) {
      return refused(Refusal.TRUNCATED);
    }
    ByteBuffer b = ByteBuffer.wrap(data, 0, length);
    int type = b.getShort(0) & 0xffff;
    int bodyLength = b.getShort(2) & 0xffff;
    if ((type & 0xC000) != 0 || b.getInt(4) != MAGIC_COOKIE) {
      return refused(Refusal.NOT_STUN);
    }
    if (bodyLength % 4 != 0 || HEADER + bodyLength != length) {
      return refused(Refusal.TRUNCATED);
    }
    if (type != BINDING_REQUEST) {
      return refused(Refusal.NOT_BINDING_REQUEST);
    }
    int at = HEADER;
    while (at < length) {
      if (at + 4 > length) {
        return refused(Refusal.BAD_ATTRIBUTE);
      }
      int attr = b.getShort(at) & 0xffff;
      int len = b.getShort(at + 2) & 0xffff;
      int padded = (len + 3) & ~3;
      if (at + 4 + padded > length) {
        return refused(Refusal.BAD_ATTRIBUTE);
      }
      if (attr == ATTR_FINGERPRINT) {
        if (len != 4 || at + 8 != length) {
          return refused(Refusal.BAD_FINGERPRINT);
        }
        if (b.getInt(at + 4) != fingerprint(data, at)) {
          return refused(Refusal.BAD_FINGERPRINT);
        }
      }
      at += 4 + padded;
    }
    byte[] txid = new byte[12];
    System.arraycopy(data, 8, txid, 0, 12);
    return new Parsed(txid, null);
  }

  /** A binding request with a random-looking transaction id (for clients and tests). */
  public static byte[] bindingRequest(byte[] transactionId, boolean withFingerprint) {
    ByteBuffer b = ByteBuffer.allocate(HEADER + (withFingerprint ? 8 : 0));
    b.putShort((short) BINDING_REQUEST).putShort((short) (withFingerprint ? 8 : 0));
    b.putInt(MAGIC_COOKIE).put(transactionId);
    if (withFingerprint) {
      byte[] out = b.array();
      ByteBuffer.wrap(out, HEADER, 4).putShort((short) ATTR_FINGERPRINT).putShort((short) 4);
      ByteBuffer.wrap(out, HEADER + 4, 4).putInt(fingerprint(out, HEADER));
      return out;
    }
    return b.array();
  }

  /** The success response telling the client it was seen at {@code seen}. */
  public static byte[] bindingSuccess(byte[] transactionId, InetSocketAddress seen) {
    byte[] addr = seen.getAddress().getAddress();
    int family = addr.length == 4 ? 1 : 2;
    int addrAttr = 4 + addr.length;
    int body = (4 + addrAttr) * 2 + 4 + ((SOFTWARE.length + 3) & ~3) + 8;
    ByteBuffer b = ByteBuffer.allocate(HEADER + body);
    b.putShort((short) BINDING_SUCCESS)
        .putShort((short) body)
        .putInt(MAGIC_COOKIE)
        .put(transactionId);
    byte[] mask = new byte[16];
    ByteBuffer.wrap(mask).putInt(MAGIC_COOKIE).put(transactionId);
    b.putShort((short) ATTR_XOR_MAPPED_ADDRESS).putShort((short) addrAttr);
    b.put((byte) 0).put((byte) family).putShort((short) (seen.getPort() ^ (MAGIC_COOKIE >>> 16)));
    for (int i = 0; i < addr.length; i++) {
      b.put((byte) (addr[i] ^ mask[i]));
    }
    b.putShort((short) ATTR_MAPPED_ADDRESS).putShort((short) addrAttr);
    b.put((byte) 0).put((byte) family).putShort((short) seen.getPort()).put(addr);
    b.putShort((short) ATTR_SOFTWARE).putShort((short) SOFTWARE.length).put(SOFTWARE);
    b.position(b.position() + (((SOFTWARE.length + 3) & ~3) - SOFTWARE.length));
    int fpAt = b.position();
    b.putShort((short) ATTR_FINGERPRINT).putShort((short) 4);
    byte[] out = b.array();
    ByteBuffer.wrap(out, fpAt + 4, 4).putInt(fingerprint(out, fpAt));
    return out;
  }

  /**
   * The XOR-MAPPED-ADDRESS of a binding success response for {@code transactionId}; null when the
   * datagram is not such a response.
   */
  public static InetSocketAddress xorMappedAddress(byte[] data, int length, byte[] transactionId) {
    if (length < HEADER || length > data.length) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(data, 0, length);
    if ((b.getShort(0) & 0xffff) != BINDING_SUCCESS || b.getInt(4) != MAGIC_COOKIE) {
      return null;
    }
    for (int i = 0; i < 12; i++) {
      if (data[8 + i] != transactionId[i]) {
        return null;
      }
    }
    byte[] mask = new byte[16];
    ByteBuffer.wrap(mask).putInt(MAGIC_COOKIE).put(transactionId);
    int at = HEADER;
    while (at + 4 <= length) {
      int attr = b.getShort(at) & 0xffff;
      int len = b.getShort(at + 2) & 0xffff;
      if (at + 4 + len > length) {
        return null;
      }
      if (attr == ATTR_XOR_MAPPED_ADDRESS && (len == 8 || len == 20)) {
        int port = (b.getShort(at + 6) & 0xffff) ^ (MAGIC_COOKIE >>> 16);
        byte[] addr = new byte[len - 4];
        for (int i = 0; i < addr.length; i++) {
          addr[i] = (byte) (data[at + 8 + i] ^ mask[i]);
        }
        try {
          return new InetSocketAddress(InetAddress.getByAddress(addr), port);
        } catch (java.net.UnknownHostException e) {
          return null;
        }
      }
      at += 4 + ((len + 3) & ~3);
    }
    return null;
  }

  static int fingerprint(byte[] message, int upTo) {
    // The CRC covers the message with its length field already counting the fingerprint.
    CRC32 crc = new CRC32();
    crc.update(message, 0, upTo);
    return (int) crc.getValue() ^ FINGERPRINT_XOR;
  }

  private static Parsed refused(Refusal r) {
    return new Parsed(null, r);
  }
}
