package dev.trellis.agent.paths.portmap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * NAT-PMP (RFC 6886): the byte layout of the requests the agent sends to its default gateway (UDP
 * port 5351) and of the answers it reads. All integers are big-endian.
 *
 * <pre>
 * external address request   version(1)=0 opcode(1)=0
 * external address response  version(1)=0 opcode(1)=128 result(2) epoch(4) external_ipv4(4)
 * map request                version(1)=0 opcode(1)=1 (UDP) reserved(2)=0 internal_port(2)
 *                            suggested_external_port(2) lifetime_seconds(4)
 * map response               version(1)=0 opcode(1)=129 result(2) epoch(4) internal_port(2)
 *                            external_port(2) lifetime_seconds(4)
 * </pre>
 *
 * A mapping is deleted by a map request with lifetime 0 and suggested external port 0. Result 0 is
 * success; 1 unsupported version, 2 refused, 3 network failure, 4 out of resources, 5 unsupported
 * opcode. A gateway speaking only PCP answers a NAT-PMP request with a PCP-style packet of version
 * 2, which {@link #decode} refuses.
 *
 * <p>Flow: the agent asks for the external address and maps its WireGuard port; it renews the
 * mapping at half its lifetime and deletes it on shutdown.
 *
 * <p>Thread-safety: stateless. {@link #decode} never throws: anything not a well-formed response
 * yields {@code null}.
 */
public final class NatPmp {
  /** The gateway's NAT-PMP (and PCP) port. */
  public static final int PORT = 5351;

  static final int OP_EXTERNAL_ADDRESS = 0;
  static final int OP_MAP_UDP = 1;
  static final int RESPONSE = 128;
  static final int EXTERNAL_ADDRESS_RESPONSE_LENGTH = 12;
  static final int MAP_RESPONSE_LENGTH = 16;

  private NatPmp() {}

  /** A decoded response. */
  public sealed interface Response {
    /** The result code (0: success). */
    int result();

    /** Seconds since the gateway's port mapping table was (re)initialised. */
    long epoch();
  }

  /** The answer to an external address request. */
  public record ExternalAddress(int result, long epoch, InetAddress address) implements Response {}

  /** The answer to a UDP map request. */
  public record Mapped(int result, long epoch, int internalPort, int externalPort, long lifetime)
      implements Response {}

  /** The external address request. */
  public static byte[] externalAddressRequest() {
    return new byte[] {0, OP_EXTERNAL_ADDRESS};
  }

  /** A request to map UDP {@code internalPort} (lifetime 0 with external port 0 deletes it). */
  public static byte[] mapRequest(int internalPort, int suggestedExternalPort, long lifetime) {
    byte[] b = new byte[12];
    b[1] = OP_MAP_UDP;
    putU16(b, 4, internalPort);
    putU16(b, 6, suggestedExternalPort);
    putU32(b, 8, lifetime);
    return b;
  }

  /** The response at {@code b[off .. off+len)}, or {@code null} if it is not one. */
  public static Response decode(byte[] b, int off, int len) {
    if (b == null || off < 0 || len < 8 || off + len > b.length || off + len < 0 || b[off] != 0) {
      return null;
    }
    int op = b[off + 1] & 0xff;
    int result = u16(b, off + 2);
    long epoch = u32(b, off + 4);
    if (op == RESPONSE + OP_EXTERNAL_ADDRESS) {
      if (len < EXTERNAL_ADDRESS_RESPONSE_LENGTH) {
        return null;
      }
      byte[] a = new byte[4];
      System.arraycopy(b, off + 8, a, 0, 4);
      return new ExternalAddress(result, epoch, ipv4(a));
    }
    if (op == RESPONSE + OP_MAP_UDP) {
      if (len < MAP_RESPONSE_LENGTH) {
        return null;
      }
      return new Mapped(result, epoch, u16(b, off + 8), u16(b, off + 10), u32(b, off + 12));
    }
    return null;
  }

  static Inet4Address ipv4(byte[] a) {
    try {
      return (Inet4Address) InetAddress.getByAddress(a);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  static int u16(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  static long u32(byte[] b, int at) {
    return ((long) u16(b, at) << 16) | u16(b, at + 2);
  }

  static void putU16(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }

  static void putU32(byte[] b, int at, long v) {
    putU16(b, at, (int) (v >>> 16) & 0xffff);
    putU16(b, at + 2, (int) v & 0xffff);
  }
}
