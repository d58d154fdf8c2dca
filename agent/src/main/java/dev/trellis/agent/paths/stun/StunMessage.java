package dev.trellis.agent.paths.stun;

import dev.trellis.agent.bind.Endpoint;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The slice of STUN (RFC 5389 / RFC 8489) the agent speaks: a Binding request, and the mapped
 * address in a Binding success response. STUN shares the agent's UDP socket with WireGuard and
 * disco; its first byte is 0x00 or 0x01 and bytes 4..8 hold the magic cookie, while a WireGuard
 * message has three zero bytes after its type, so they never mix.
 *
 * <pre>
 * header     = type(2) length(2, of the attributes) cookie(4) = 21 12 A4 42  transaction_id(12)
 *   0x0001   Binding request (no attributes)
 *   0x0101   Binding success response
 * attribute  = type(2) length(2) value(length) padding to a multiple of 4
 *   0x0020   XOR-MAPPED-ADDRESS: 0(1) family(1: 1 = IPv4, 2 = IPv6) port^cookie>>16 (2)
 *            address ^ (cookie || transaction_id)
 *   0x0001   MAPPED-ADDRESS: the same without the XOR (old servers)
 * </pre>
 *
 * <p>Thread-safety: stateless.
 */
public final class StunMessage {
  /** The header length. */
  public static final int HEADER = 20;

  static final int BINDING_REQUEST = 0x0001;
  static final int BINDING_SUCCESS = 0x0101;
  static final int ATTR_MAPPED_ADDRESS = 0x0001;
  static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
  static final byte[] COOKIE = {0x21, 0x12, (byte) 0xA4, 0x42};

  /** A parsed Binding success response: its transaction id and the address the server saw. */
  public record Response(byte[] txId, Endpoint mapped) {}

  private StunMessage() {}

  /** A Binding request with transaction id {@code txId} (12 bytes). */
  public static byte[] bindingRequest(byte[] txId) {
    if (txId.length != 12) {
      throw new IllegalArgumentException("a STUN transaction id is 12 bytes");
    }
    byte[] out = new byte[HEADER];
    out[1] = BINDING_REQUEST;
    System.arraycopy(COOKIE, 0, out, 4, 4);
    System.arraycopy(txId, 0, out, 8, 12);
    return out;
  }

  /** Whether the datagram looks like STUN (top two bits zero, magic cookie, 4-aligned length). */
  public static boolean isStun(byte[] b, int off, int len) {
    return len >= HEADER
        && (b[off] & 0xC0) == 0
        && b[off + 4] == COOKIE[0]
        && b[off + 5] == COOKIE[1]
        && b[off + 6] == COOKIE[2]
        && b[off + 7] == COOKIE[3]
        && (b[off + 3] & 3) == 0;
  }

  /** The transaction id of a request (for a server answering it), or {@code null}. */
  public static byte[] requestTxId(byte[] b, int off, int len) {
    if (!isStun(b, off, len) || u16(b, off) != BINDING_REQUEST) {
      return null;
    }
    return Arrays.copyOfRange(b, off + 8, off + 20);
  }

  /**
   * The Binding success response at {@code b[off .. off+len)}, or {@code null} if it is anything
   * else or malformed (truncated attributes, unknown family, no mapped address).
   */
  public static Response parseResponse(byte[] b, int off, int len) {
    if (!isStun(b, off, len) || u16(b, off) != BINDING_SUCCESS) {
      return null;
    }
    int attrLen = u16(b, off + 2);
    if (HEADER + attrLen > len) {
      return null;
    }
    byte[] tx = Arrays.copyOfRange(b, off + 8, off + 20);
    Endpoint xor = null;
    Endpoint plain = null;
    int at = off + HEADER;
    int end = at + attrLen;
    while (at + 4 <= end) {
      int type = u16(b, at);
      int l = u16(b, at + 2);
      int value = at + 4;
      if (value + l > end) {
        return null;
      }
      if (type == ATTR_XOR_MAPPED_ADDRESS && xor == null) {
        xor = address(b, value, l, tx, true);
      } else if (type == ATTR_MAPPED_ADDRESS && plain == null) {
        plain = address(b, value, l, tx, false);
      }
      at = value + ((l + 3) & ~3);
    }
    Endpoint mapped = xor != null ? xor : plain;
    return mapped == null ? null : new Response(tx, mapped);
  }

  /** A Binding success response naming {@code mapped} (for tests and a local STUN responder). */
  public static byte[] bindingSuccess(byte[] txId, Endpoint mapped) {
    byte[] a = mapped.address().getAddress();
    byte[] out = new byte[HEADER + 4 + 4 + a.length];
    out[0] = 0x01;
    out[1] = 0x01;
    out[3] = (byte) (8 + a.length);
    System.arraycopy(COOKIE, 0, out, 4, 4);
    System.arraycopy(txId, 0, out, 8, 12);
    out[HEADER + 1] = ATTR_XOR_MAPPED_ADDRESS;
    out[HEADER + 3] = (byte) (4 + a.length);
    out[HEADER + 5] = (byte) (a.length == 4 ? 1 : 2);
    int port = mapped.port() ^ 0x2112;
    out[HEADER + 6] = (byte) (port >>> 8);
    out[HEADER + 7] = (byte) port;
    for (int i = 0; i < a.length; i++) {
      out[HEADER + 8 + i] = (byte) (a[i] ^ pad(txId, i));
    }
    return out;
  }

  private static Endpoint address(byte[] b, int at, int len, byte[] tx, boolean xored) {
    if (len < 4) {
      return null;
    }
    int family = b[at + 1] & 0xff;
    int size = family == 1 ? 4 : family == 2 ? 16 : -1;
    if (size < 0 || len < 4 + size) {
      return null;
    }
    int port = u16(b, at + 2) ^ (xored ? 0x2112 : 0);
    byte[] a = new byte[size];
    for (int i = 0; i < size; i++) {
      a[i] = (byte) (b[at + 4 + i] ^ (xored ? pad(tx, i) : 0));
    }
    try {
      return new Endpoint(InetAddress.getByAddress(a), port);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** Byte {@code i} of cookie || transaction id. */
  private static byte pad(byte[] tx, int i) {
    return i < 4 ? COOKIE[i] : tx[i - 4];
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
  }
}
