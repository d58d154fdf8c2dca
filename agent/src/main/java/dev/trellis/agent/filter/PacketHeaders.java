package dev.trellis.agent.filter;

/**
 * Reads the fields the filter needs from a raw IP packet, checking every length first. One instance
 * per thread is reused for every packet, so parsing allocates nothing.
 *
 * <pre>
 * IPv4 (RFC 791)                         IPv6 (RFC 8200)
 *  0: version(4) IHL(4)                   0: version(4) class(8) flow(20)
 *  2: total length                        4: payload length
 *  6: flags(3) fragment offset(13)        6: next header    7: hop limit
 *  9: protocol                            8: source (16)
 * 12: source (4)   16: destination (4)   24: destination (16)
 * IHL*4: transport header                40: extension headers (0 hop-by-hop, 43 routing,
 *                                            60 destination options: (len+1)*8 bytes;
 *                                            44 fragment: 8 bytes; 51 AH: (len+2)*4 bytes),
 *                                            then the transport header
 * TCP/UDP/SCTP: source port at 0, destination port at 2; TCP flags at 13.
 * ICMP/ICMPv6: type at 0, code at 1, echo identifier at 4.
 * </pre>
 *
 * <p>Thread-safety: not thread-safe; confined to the thread that owns it.
 */
final class PacketHeaders {
  static final int ICMP = 1;
  static final int TCP = 6;
  static final int UDP = 17;
  static final int ICMPV6 = 58;
  static final int SCTP = 132;
  static final int MAX_EXTENSION_HEADERS = 8;

  /** 4 or 6. */
  int version;

  /** Transport protocol number. */
  int proto;

  /** Source and destination: IPv4 in the low 32 bits of {@code srcLo}/{@code dstLo}. */
  long srcHi;

  long srcLo;
  long dstHi;
  long dstLo;

  /** Ports for TCP/UDP/SCTP; for ICMP echo the identifier is in {@code srcPort}. */
  int srcPort;

  int dstPort;

  /** TCP flags (byte 13 of the TCP header), or 0. */
  int tcpFlags;

  /** ICMP type, or -1. */
  int icmpType;

  /** Whether the protocol has ports. */
  boolean hasPorts;

  /**
   * Parses {@code len} bytes at {@code off}; returns null on success or why the packet must be
   * dropped.
   */
  DropReason parse(byte[] b, int off, int len) {
    if (off < 0 || len < 1 || off > b.length - len) {
      return DropReason.TRUNCATED;
    }
    version = (b[off] & 0xff) >>> 4;
    int l4;
    int end;
    if (version == 4) {
      if (len < 20) {
        return DropReason.TRUNCATED;
      }
      int ihl = (b[off] & 0x0f) * 4;
      int total = u16(b, off + 2);
      if (ihl < 20 || total < ihl || total > len) {
        return DropReason.MALFORMED;
      }
      if ((u16(b, off + 6) & 0x1fff) != 0) {
        return DropReason.FRAGMENT;
      }
      proto = b[off + 9] & 0xff;
      srcHi = 0;
      srcLo = u32(b, off + 12);
      dstHi = 0;
      dstLo = u32(b, off + 16);
      l4 = off + ihl;
      end = off + total;
    } else if (version == 6) {
      if (len < 40) {
        return DropReason.TRUNCATED;
      }
      end = off + 40 + u16(b, off + 4);
      if (end > off + len) {
        return DropReason.MALFORMED;
      }
      srcHi = u64(b, off + 8);
      srcLo = u64(b, off + 16);
      dstHi = u64(b, off + 24);
      dstLo = u64(b, off + 32);
      int next = b[off + 6] & 0xff;
      l4 = off + 40;
      int hops = 0;
      while (next == 0 || next == 43 || next == 60 || next == 44 || next == 51) {
        if (++hops > MAX_EXTENSION_HEADERS) {
          return DropReason.MALFORMED;
        }
        if (l4 + 8 > end) {
          return DropReason.TRUNCATED;
        }
        int size;
        if (next == 44) {
          if ((u16(b, l4 + 2) >>> 3) != 0) {
            return DropReason.FRAGMENT;
          }
          size = 8;
        } else if (next == 51) {
          size = ((b[l4 + 1] & 0xff) + 2) * 4;
        } else {
          size = ((b[l4 + 1] & 0xff) + 1) * 8;
        }
        next = b[l4] & 0xff;
        l4 += size;
      }
      proto = next;
    } else {
      return DropReason.MALFORMED;
    }
    srcPort = 0;
    dstPort = 0;
    tcpFlags = 0;
    icmpType = -1;
    hasPorts = proto == TCP || proto == UDP || proto == SCTP;
    int need =
        switch (proto) {
          case TCP -> 14;
          case UDP -> 8;
          case SCTP -> 4;
          case ICMP, ICMPV6 -> 8;
          default -> 0;
        };
    if (l4 + need > end) {
      return DropReason.TRUNCATED;
    }
    if (hasPorts) {
      srcPort = u16(b, l4);
      dstPort = u16(b, l4 + 2);
      if (proto == TCP) {
        tcpFlags = b[l4 + 13] & 0xff;
      }
    } else if ((proto == ICMP && version == 4) || (proto == ICMPV6 && version == 6)) {
      icmpType = b[l4] & 0xff;
      srcPort = u16(b, l4 + 4);
    }
    return null;
  }

  /** Whether this TCP segment opens a connection: SYN without ACK. */
  boolean isTcpOpen() {
    return proto == TCP && (tcpFlags & 0x12) == 0x02;
  }

  /** Whether this is an ICMP or ICMPv6 echo request. */
  boolean isEchoRequest() {
    return (version == 4 && icmpType == 8) || (version == 6 && icmpType == 128);
  }

  /** Whether this is an ICMP or ICMPv6 echo reply. */
  boolean isEchoReply() {
    return (version == 4 && icmpType == 0) || (version == 6 && icmpType == 129);
  }

  static int u16(byte[] b, int i) {
    return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
  }

  static long u32(byte[] b, int i) {
    return ((long) u16(b, i) << 16) | u16(b, i + 2);
  }

  static long u64(byte[] b, int i) {
    return (u32(b, i) << 32) | u32(b, i + 4);
  }
}
