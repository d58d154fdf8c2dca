package dev.trellis.proto.stun;

import static dev.trellis.proto.stun.StunMessage.ATTR_FINGERPRINT;
import static dev.trellis.proto.stun.StunMessage.ATTR_MAPPED_ADDRESS;
import static dev.trellis.proto.stun.StunMessage.ATTR_XOR_MAPPED_ADDRESS;
import static dev.trellis.proto.stun.StunMessage.BINDING_REQUEST;
import static dev.trellis.proto.stun.StunMessage.BINDING_SUCCESS;
import static dev.trellis.proto.stun.StunMessage.HEADER;
import static dev.trellis.proto.stun.StunMessage.MAGIC_COOKIE;
import static dev.trellis.proto.stun.StunMessage.u16;
import static dev.trellis.proto.stun.StunMessage.u32;

import dev.trellis.proto.stun.StunResult.Refused;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Decodes one datagram into a {@link StunResult} (layout in {@link StunMessage}). It checks the
 * header, that the length field matches the datagram, every attribute's bounds and, when present,
 * the FINGERPRINT; any other input yields a shared {@link StunResult.Refused}, never an exception.
 * It allocates only for a message it accepts (the transaction id, and the mapped address of a
 * response), so the agent can run it on its UDP receive path.
 *
 * <p>Thread-safety: stateless.
 */
public final class StunDecoder {
  private StunDecoder() {}

  /** What the datagram at {@code b[off .. off+len)} is. */
  public static StunResult decode(byte[] b, int off, int len) {
    if (b == null || off < 0 || len < HEADER || off + len > b.length || off + len < 0) {
      return Refused.of(StunRefusal.TRUNCATED);
    }
    int type = u16(b, off);
    if ((type & 0xC000) != 0 || u32(b, off + 4) != MAGIC_COOKIE) {
      return Refused.of(StunRefusal.NOT_STUN);
    }
    int bodyLength = u16(b, off + 2);
    if (bodyLength % 4 != 0 || HEADER + bodyLength != len) {
      return Refused.of(StunRefusal.TRUNCATED);
    }
    int end = off + len;
    int xorMapped = -1;
    int mapped = -1;
    for (int at = off + HEADER; at < end; ) {
      if (at + 4 > end) {
        return Refused.of(StunRefusal.BAD_ATTRIBUTE);
      }
      int attr = u16(b, at);
      int valueLength = u16(b, at + 2);
      int next = at + 4 + ((valueLength + 3) & ~3);
      if (next > end) {
        return Refused.of(StunRefusal.BAD_ATTRIBUTE);
      }
      if (attr == ATTR_FINGERPRINT
          && (valueLength != 4
              || next != end
              || u32(b, at + 4) != StunMessage.fingerprint(b, off, at - off))) {
        return Refused.of(StunRefusal.BAD_FINGERPRINT);
      }
      if (attr == ATTR_XOR_MAPPED_ADDRESS && xorMapped < 0 && addressSize(b, at) > 0) {
        xorMapped = at;
      } else if (attr == ATTR_MAPPED_ADDRESS && mapped < 0 && addressSize(b, at) > 0) {
        mapped = at;
      }
      at = next;
    }
    return switch (type) {
      case BINDING_REQUEST -> new StunResult.BindingRequest(TransactionId.read(b, off + 8));
      case BINDING_SUCCESS -> {
        if (xorMapped < 0 && mapped < 0) {
          yield Refused.of(StunRefusal.NO_MAPPED_ADDRESS);
        }
        int at = xorMapped >= 0 ? xorMapped : mapped;
        byte[] raw = Arrays.copyOfRange(b, at + 8, at + 8 + addressSize(b, at));
        int port = u16(b, at + 6);
        if (xorMapped >= 0) {
          port ^= MAGIC_COOKIE >>> 16;
          for (int i = 0; i < raw.length; i++) {
            raw[i] ^= StunMessage.mask(b, off + 8, i);
          }
        }
        try {
          yield new StunResult.BindingResponse(
              TransactionId.read(b, off + 8),
              new InetSocketAddress(InetAddress.getByAddress(raw), port));
        } catch (UnknownHostException e) {
          yield Refused.of(StunRefusal.NO_MAPPED_ADDRESS); // unreachable: 4 or 16 bytes
        }
      }
      default -> Refused.of(StunRefusal.NOT_BINDING);
    };
  }

  /**
   * The address length (4 or 16) of the (XOR-)MAPPED-ADDRESS attribute at {@code at}, whose value
   * lies within the message, or -1 if its length or family is wrong.
   */
  private static int addressSize(byte[] b, int at) {
    int length = u16(b, at + 2);
    if (length != 8 && length != 20) {
      return -1;
    }
    int family = b[at + 5] & 0xff;
    int size = family == StunMessage.FAMILY_IPV4 ? 4 : family == StunMessage.FAMILY_IPV6 ? 16 : -1;
    return length == 4 + size ? size : -1;
  }
}
