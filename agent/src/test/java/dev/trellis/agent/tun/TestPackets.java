package dev.trellis.agent.tun;

import java.net.InetAddress;

/** Builds and checks IPv4/IPv6 UDP and TCP packets for the TUN tests. */
final class TestPackets {
  private TestPackets() {}

  static byte[] udp(InetAddress src, InetAddress dst, int sport, int dport, byte[] payload) {
    boolean v4 = src.getAddress().length == 4;
    int ipLen = v4 ? 20 : 40;
    int udpLen = 8 + payload.length;
    byte[] p = new byte[ipLen + udpLen];
    ipHeader(p, src, dst, 17, udpLen);
    int u = ipLen;
    put16(p, u, sport);
    put16(p, u + 2, dport);
    put16(p, u + 4, udpLen);
    System.arraycopy(payload, 0, p, u + 8, payload.length);
    int sum = Checksum.add(0, p, u, udpLen);
    sum = Checksum.add(sum, pseudo(p, udpLen));
    int c = ~Checksum.fold(sum) & 0xffff;
    put16(p, u + 6, c == 0 ? 0xffff : c);
    return p;
  }

  /** A TCP packet with the given flags and payload (a super-packet when payload is large). */
  static byte[] tcp(
      InetAddress src, InetAddress dst, long seq, int flags, byte[] payload, int ipId) {
    boolean v4 = src.getAddress().length == 4;
    int ipLen = v4 ? 20 : 40;
    int tcpLen = 20 + payload.length;
    byte[] p = new byte[ipLen + tcpLen];
    ipHeader(p, src, dst, 6, tcpLen);
    if (v4) {
      put16(p, 4, ipId);
      p[10] = 0;
      p[11] = 0;
      put16(p, 10, ~Checksum.fold(Checksum.add(0, p, 0, 20)) & 0xffff);
    }
    int t = ipLen;
    put16(p, t, 40000);
    put16(p, t + 2, 5201);
    put16(p, t + 4, (int) (seq >>> 16) & 0xffff);
    put16(p, t + 6, (int) seq & 0xffff);
    p[t + 12] = (byte) (5 << 4);
    p[t + 13] = (byte) flags;
    put16(p, t + 14, 65535);
    System.arraycopy(payload, 0, p, t + 20, payload.length);
    int sum = Checksum.add(0, p, t, tcpLen);
    sum = Checksum.add(sum, pseudo(p, tcpLen));
    put16(p, t + 16, ~Checksum.fold(sum) & 0xffff);
    return p;
  }

  private static void ipHeader(byte[] p, InetAddress src, InetAddress dst, int proto, int l4Len) {
    if (src.getAddress().length == 4) {
      p[0] = 0x45;
      put16(p, 2, 20 + l4Len);
      p[8] = 64;
      p[9] = (byte) proto;
      System.arraycopy(src.getAddress(), 0, p, 12, 4);
      System.arraycopy(dst.getAddress(), 0, p, 16, 4);
      put16(p, 10, ~Checksum.fold(Checksum.add(0, p, 0, 20)) & 0xffff);
    } else {
      p[0] = 0x60;
      put16(p, 4, l4Len);
      p[6] = (byte) proto;
      p[7] = 64;
      System.arraycopy(src.getAddress(), 0, p, 8, 16);
      System.arraycopy(dst.getAddress(), 0, p, 24, 16);
    }
  }

  static int pseudo(byte[] p, int l4Len) {
    if ((p[0] & 0xf0) == 0x40) {
      return Checksum.add(Checksum.add(0, p, 12, 8), (p[9] & 0xff) + l4Len);
    }
    return Checksum.add(Checksum.add(0, p, 8, 32), (p[6] & 0xff) + l4Len);
  }

  /** Whether the L4 checksum of an IPv4/IPv6 packet (UDP or TCP, no extension headers) holds. */
  static boolean l4ChecksumOk(byte[] p, int off, int len) {
    byte[] q = java.util.Arrays.copyOfRange(p, off, off + len);
    int ipLen = (q[0] & 0xf0) == 0x40 ? (q[0] & 0x0f) * 4 : 40;
    int l4Len = len - ipLen;
    int sum = Checksum.add(0, q, ipLen, l4Len);
    sum = Checksum.add(sum, pseudo(q, l4Len));
    return Checksum.fold(sum) == 0xffff;
  }

  /** Whether the IPv4 header checksum holds. */
  static boolean ipv4ChecksumOk(byte[] p, int off) {
    return Checksum.fold(Checksum.add(0, p, off, (p[off] & 0x0f) * 4)) == 0xffff;
  }

  static void put16(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }

  static int u16(byte[] b, int at) {
    return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
  }
}
