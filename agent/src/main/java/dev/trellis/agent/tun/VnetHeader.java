package dev.trellis.agent.tun;

/**
 * The {@code struct virtio_net_hdr} a TUN device opened with {@code IFF_VNET_HDR} puts in front of
 * every packet (10 bytes, little-endian on x86):
 *
 * <pre>
 *   0  u8  flags        bit 0: NEEDS_CSUM (the L4 checksum is only the pseudo-header sum)
 *   1  u8  gso_type     0 NONE, 1 TCPV4, 3 UDP, 4 TCPV6, 5 UDP_L4; bit 7: ECN
 *   2  u16 hdr_len      length of the headers (IP + L4)
 *   4  u16 gso_size     payload bytes per segment
 *   6  u16 csum_start   offset of the L4 header
 *   8  u16 csum_offset  offset of the checksum field from csum_start
 * </pre>
 *
 * <p>Thread-safety: stateless.
 */
final class VnetHeader {
  static final int SIZE = 10;
  static final int F_NEEDS_CSUM = 1;
  static final int GSO_NONE = 0;
  static final int GSO_TCPV4 = 1;
  static final int GSO_TCPV6 = 4;
  static final int GSO_ECN = 0x80;

  private VnetHeader() {}

  static int flags(byte[] b, int at) {
    return b[at] & 0xff;
  }

  static int gsoType(byte[] b, int at) {
    return b[at + 1] & 0xff;
  }

  static int gsoSize(byte[] b, int at) {
    return u16le(b, at + 4);
  }

  static int csumStart(byte[] b, int at) {
    return u16le(b, at + 6);
  }

  static int csumOffset(byte[] b, int at) {
    return u16le(b, at + 8);
  }

  /** Writes an all-zero header: a complete packet that needs nothing from the kernel. */
  static void clear(byte[] b, int at) {
    for (int i = 0; i < SIZE; i++) {
      b[at + i] = 0;
    }
  }

  private static int u16le(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }
}
