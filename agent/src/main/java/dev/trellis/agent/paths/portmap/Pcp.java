package dev.trellis.agent.paths.portmap;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * PCP, the Port Control Protocol (RFC 6887): the byte layout of the MAP and ANNOUNCE requests the
 * agent sends to its default gateway (UDP port 5351, shared with NAT-PMP) and of the answers it
 * reads. Integers are big-endian; addresses are 16 bytes, IPv4 as {@code ::ffff:a.b.c.d}.
 *
 * <pre>
 * request  version(1)=2 r_opcode(1)=opcode reserved(2) lifetime(4) client_ip(16) [payload]
 * response version(1)=2 r_opcode(1)=0x80|opcode reserved(1) result(1) lifetime(4) epoch(4)
 *          reserved(12) [payload]
 * MAP payload (opcode 1)  nonce(12) protocol(1)=17 reserved(3) internal_port(2)
 *                         external_port(2) external_ip(16)
 * ANNOUNCE (opcode 0)     no payload; a request with lifetime 0 only asks "are you there"
 * </pre>
 *
 * In a MAP request the external port and address are suggestions (zero: any); in the response they
 * are what the gateway assigned. The client ip must be the address the request is sent from. A
 * mapping is renewed by repeating the request with the same nonce and deleted by repeating it with
 * lifetime 0. Result 0 is success; others include 1 unsupported version, 2 not authorized, 3
 * malformed request, 8 no resources, 12 address mismatch. A NAT-PMP-only gateway answers a PCP
 * request with a NAT-PMP "unsupported version" packet (version 0), which {@link #decode} refuses.
 *
 * <p>Thread-safety: stateless. {@link #decode} never throws: anything not a well-formed response
 * yields {@code null}.
 */
public final class Pcp {
  static final int VERSION = 2;
  static final int OP_ANNOUNCE = 0;
  static final int OP_MAP = 1;
  static final int HEADER = 24;
  static final int MAP_PAYLOAD = 36;
  static final int NONCE_LENGTH = 12;
  static final int UDP = 17;

  private Pcp() {}

  /** A decoded response. */
  public sealed interface Response {
    int result();

    long lifetime();

    long epoch();
  }

  /** The answer to an ANNOUNCE. */
  public record Announce(int result, long lifetime, long epoch) implements Response {}

  /** The answer to a MAP request. */
  public record Mapped(
      int result,
      long lifetime,
      long epoch,
      byte[] nonce,
      int protocol,
      int internalPort,
      int externalPort,
      InetAddress externalAddress)
      implements Response {}

  /** An ANNOUNCE request from {@code client} (probes whether the gateway speaks PCP). */
  public static byte[] announceRequest(InetAddress client) {
    byte[] b = new byte[HEADER];
    header(b, OP_ANNOUNCE, 0, client);
    return b;
  }

  /**
   * A MAP request for UDP {@code internalPort} from {@code client}; {@code nonce} (12 bytes)
   * identifies the mapping for renewal and deletion (lifetime 0).
   */
  public static byte[] mapRequest(
      InetAddress client,
      byte[] nonce,
      int internalPort,
      int suggestedExternalPort,
      InetAddress suggestedExternal,
      long lifetime) {
    if (nonce.length != NONCE_LENGTH) {
      throw new IllegalArgumentException("a PCP nonce has 12 bytes");
    }
    byte[] b = new byte[HEADER + MAP_PAYLOAD];
    header(b, OP_MAP, lifetime, client);
    System.arraycopy(nonce, 0, b, HEADER, NONCE_LENGTH);
    b[HEADER + 12] = UDP;
    NatPmp.putU16(b, HEADER + 16, internalPort);
    NatPmp.putU16(b, HEADER + 18, suggestedExternalPort);
    address(b, HEADER + 20, suggestedExternal);
    return b;
  }

  private static void header(byte[] b, int op, long lifetime, InetAddress client) {
    b[0] = VERSION;
    b[1] = (byte) op;
    NatPmp.putU32(b, 4, lifetime);
    address(b, 8, client);
  }

  /**
   * Writes {@code a} as 16 bytes at {@code at}, IPv4 mapped; {@code null} is the IPv4 "any" address
   * {@code ::ffff:0.0.0.0} (RFC 6887 section 11.1: an IPv4 mapping, no preference).
   */
  private static void address(byte[] b, int at, InetAddress a) {
    byte[] raw = a == null ? new byte[4] : a.getAddress();
    if (raw.length == 4) {
      b[at + 10] = (byte) 0xff;
      b[at + 11] = (byte) 0xff;
      System.arraycopy(raw, 0, b, at + 12, 4);
    } else {
      System.arraycopy(raw, 0, b, at, 16);
    }
  }

  /** The response at {@code b[off .. off+len)}, or {@code null} if it is not one. */
  public static Response decode(byte[] b, int off, int len) {
    if (b == null
        || off < 0
        || len < HEADER
        || off + len > b.length
        || off + len < 0
        || b[off] != VERSION
        || (b[off + 1] & 0x80) == 0
        || len % 4 != 0
        || len > 1100) {
      return null;
    }
    int op = b[off + 1] & 0x7f;
    int result = b[off + 3] & 0xff;
    long lifetime = NatPmp.u32(b, off + 4);
    long epoch = NatPmp.u32(b, off + 8);
    if (op == OP_ANNOUNCE) {
      return new Announce(result, lifetime, epoch);
    }
    if (op != OP_MAP || len < HEADER + MAP_PAYLOAD) {
      return null;
    }
    int p = off + HEADER;
    return new Mapped(
        result,
        lifetime,
        epoch,
        Arrays.copyOfRange(b, p, p + NONCE_LENGTH),
        b[p + 12] & 0xff,
        NatPmp.u16(b, p + 16),
        NatPmp.u16(b, p + 18),
        address(b, p + 20));
  }

  /** The 16-byte address at {@code at}, an {@link Inet4Address} when it is IPv4-mapped. */
  static InetAddress address(byte[] b, int at) {
    boolean mapped = b[at + 10] == (byte) 0xff && b[at + 11] == (byte) 0xff;
    for (int i = 0; i < 10 && mapped; i++) {
      mapped = b[at + i] == 0;
    }
    try {
      if (mapped) {
        return NatPmp.ipv4(Arrays.copyOfRange(b, at + 12, at + 16));
      }
      return Inet6Address.getByAddress(null, Arrays.copyOfRange(b, at, at + 16), null);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
