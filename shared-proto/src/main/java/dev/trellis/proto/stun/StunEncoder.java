package dev.trellis.proto.stun;

import static dev.trellis.proto.stun.StunMessage.HEADER;
import static dev.trellis.proto.stun.StunMessage.MAGIC_COOKIE;
import static dev.trellis.proto.stun.StunMessage.putU16;
import static dev.trellis.proto.stun.StunMessage.putU32;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Writes STUN messages (layout in {@link StunMessage}): the agent's binding requests and the
 * relay's binding success responses.
 *
 * <p>Thread-safety: stateless.
 */
public final class StunEncoder {
  /** The SOFTWARE attribute of the relay's responses. */
  static final byte[] SOFTWARE = "trellis-relay".getBytes(StandardCharsets.US_ASCII);

  private StunEncoder() {}

  /** A binding request without attributes. */
  public static byte[] bindingRequest(TransactionId transactionId) {
    return bindingRequest(transactionId, false);
  }

  /** A binding request, with a FINGERPRINT if {@code withFingerprint}. */
  public static byte[] bindingRequest(TransactionId transactionId, boolean withFingerprint) {
    byte[] out = new byte[HEADER + (withFingerprint ? 8 : 0)];
    header(out, StunMessage.BINDING_REQUEST, transactionId);
    if (withFingerprint) {
      fingerprint(out, HEADER);
    }
    return out;
  }

  /**
   * The binding success response telling the client it was seen at {@code seen}:
   * XOR-MAPPED-ADDRESS, MAPPED-ADDRESS, SOFTWARE and FINGERPRINT, in that order.
   */
  public static byte[] bindingSuccess(TransactionId transactionId, InetSocketAddress seen) {
    byte[] addr = seen.getAddress().getAddress();
    int family = addr.length == 4 ? StunMessage.FAMILY_IPV4 : StunMessage.FAMILY_IPV6;
    int addrValue = 4 + addr.length;
    int software = (SOFTWARE.length + 3) & ~3;
    byte[] out = new byte[HEADER + 2 * (4 + addrValue) + 4 + software + 8];
    header(out, StunMessage.BINDING_SUCCESS, transactionId);
    int at = HEADER;
    putU16(out, at, StunMessage.ATTR_XOR_MAPPED_ADDRESS);
    putU16(out, at + 2, addrValue);
    out[at + 5] = (byte) family;
    putU16(out, at + 6, seen.getPort() ^ (MAGIC_COOKIE >>> 16));
    for (int i = 0; i < addr.length; i++) {
      out[at + 8 + i] = (byte) (addr[i] ^ StunMessage.mask(out, 8, i));
    }
    at += 4 + addrValue;
    putU16(out, at, StunMessage.ATTR_MAPPED_ADDRESS);
    putU16(out, at + 2, addrValue);
    out[at + 5] = (byte) family;
    putU16(out, at + 6, seen.getPort());
    System.arraycopy(addr, 0, out, at + 8, addr.length);
    at += 4 + addrValue;
    putU16(out, at, StunMessage.ATTR_SOFTWARE);
    putU16(out, at + 2, SOFTWARE.length);
    System.arraycopy(SOFTWARE, 0, out, at + 4, SOFTWARE.length);
    at += 4 + software;
    fingerprint(out, at);
    return out;
  }

  private static void header(byte[] out, int type, TransactionId transactionId) {
    putU16(out, 0, type);
    putU16(out, 2, out.length - HEADER);
    putU32(out, 4, MAGIC_COOKIE);
    transactionId.writeTo(out, 8);
  }

  /** Writes the FINGERPRINT attribute at {@code at}, the last 8 bytes of {@code out}. */
  private static void fingerprint(byte[] out, int at) {
    putU16(out, at, StunMessage.ATTR_FINGERPRINT);
    putU16(out, at + 2, 4);
    putU32(out, at + 4, StunMessage.fingerprint(out, 0, at));
  }
}
