package dev.trellis.agent.filter;

import java.net.InetAddress;

/** Builds raw IPv4/IPv6 packets for filter tests. */
final class Packets {
  private Packets() {}

  static final int TCP = 6;
  static final int UDP = 17;
  static final int ICMP = 1;
  static final int ICMPV6 = 58;

  /** A packet with a transport header: ports for TCP/UDP, type and identifier for ICMP. */
  static byte[] ip(String src, String dst, int proto, int a, int b) {
    byte[] s = InetAddress.ofLiteral(src).getAddress();
    byte[] d = InetAddress.ofLiteral(dst).getAddress();
    byte[] l4 = new byte[20];
    if (proto == TCP || proto == UDP) {
      put16(l4, 0, a);
      put16(l4, 2, b);
      if (proto == TCP) {
        l4[12] = 0x50;
        l4[13] = 0x02;
      } else {
        put16(l4, 4, 8 + 12);
      }
    } else {
      l4[0] = (byte) a;
      put16(l4, 4, b);
    }
    if (s.length == 4) {
      byte[] p = new byte[20 + l4.length];
      p[0] = 0x45;
      put16(p, 2, p.length);
      p[8] = 64;
      p[9] = (byte) proto;
      System.arraycopy(s, 0, p, 12, 4);
      System.arraycopy(d, 0, p, 16, 4);
      System.arraycopy(l4, 0, p, 20, l4.length);
      return p;
    }
    byte[] p = new byte[40 + l4.length];
    p[0] = 0x60;
    put16(p, 4, l4.length);
    p[6] = (byte) proto;
    p[7] = 64;
    System.arraycopy(s, 0, p, 8, 16);
    System.arraycopy(d, 0, p, 24, 16);
    System.arraycopy(l4, 0, p, 40, l4.length);
    return p;
  }

  /** An IPv6 packet whose transport header follows a hop-by-hop options header. */
  static byte[] ipv6WithHopByHop(String src, String dst, int proto, int sport, int dport) {
    byte[] plain = ip(src, dst, proto, sport, dport);
    byte[] p = new byte[plain.length + 8];
    System.arraycopy(plain, 0, p, 0, 40);
    p[6] = 0;
    put16(p, 4, plain.length - 40 + 8);
    p[40] = (byte) proto;
    p[41] = 0;
    System.arraycopy(plain, 40, p, 48, plain.length - 40);
    return p;
  }

  static void put16(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 8);
    b[i + 1] = (byte) v;
  }
}
