package dev.trellis.agent.device;

import java.net.InetAddress;

/** Builds real IPv4 ICMP echo and IPv6 ICMPv6 echo packets for tests. */
final class Packets {
  private Packets() {}

  static byte[] icmp4Echo(String src, String dst, int seq, int payload) throws Exception {
    int len = 20 + 8 + payload;
    byte[] p = new byte[len];
    p[0] = 0x45;
    p[2] = (byte) (len >>> 8);
    p[3] = (byte) len;
    p[8] = 64;
    p[9] = 1;
    System.arraycopy(InetAddress.getByName(src).getAddress(), 0, p, 12, 4);
    System.arraycopy(InetAddress.getByName(dst).getAddress(), 0, p, 16, 4);
    int c = checksum(p, 0, 20);
    p[10] = (byte) (c >>> 8);
    p[11] = (byte) c;
    p[20] = 8;
    p[24] = 0x12;
    p[25] = 0x34;
    p[26] = (byte) (seq >>> 8);
    p[27] = (byte) seq;
    for (int i = 28; i < len; i++) {
      p[i] = (byte) i;
    }
    c = checksum(p, 20, len - 20);
    p[22] = (byte) (c >>> 8);
    p[23] = (byte) c;
    return p;
  }

  static byte[] icmp6Echo(String src, String dst, int seq, int payload) throws Exception {
    int plen = 8 + payload;
    byte[] p = new byte[40 + plen];
    p[0] = 0x60;
    p[4] = (byte) (plen >>> 8);
    p[5] = (byte) plen;
    p[6] = 58;
    p[7] = 64;
    System.arraycopy(InetAddress.getByName(src).getAddress(), 0, p, 8, 16);
    System.arraycopy(InetAddress.getByName(dst).getAddress(), 0, p, 24, 16);
    p[40] = (byte) 128;
    p[46] = (byte) (seq >>> 8);
    p[47] = (byte) seq;
    for (int i = 48; i < p.length; i++) {
      p[i] = (byte) i;
    }
    return p;
  }

  private static int checksum(byte[] b, int off, int len) {
    long sum = 0;
    for (int i = 0; i < len; i += 2) {
      int hi = b[off + i] & 0xff;
      int lo = i + 1 < len ? b[off + i + 1] & 0xff : 0;
      sum += (hi << 8) | lo;
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }
}
