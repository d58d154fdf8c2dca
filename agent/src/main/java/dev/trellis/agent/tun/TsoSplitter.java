package dev.trellis.agent.tun;

/**
 * Cuts what a TUN device with TCP segmentation offload hands over — a virtio header and an IP
 * packet that may be a TCP super-packet of up to 64 KiB — into ordinary packets of at most {@code
 * gso_size} payload bytes each, as the NIC would have: per segment the IPv4 total length, ID and
 * header checksum (or the IPv6 payload length), the TCP sequence number, the FIN/PSH/CWR flags and
 * the full TCP checksum are fixed up. A packet that only needs its checksum completed gets it.
 *
 * <p>Usage: {@link #begin} one input, then {@link #next} while {@link #hasMore}. Malformed input
 * (truncated headers, lengths that do not add up, an unknown GSO type) makes {@link #begin} return
 * false, and the caller drops and counts it.
 *
 * <p>Thread-safety: not thread-safe; the TUN reader owns one.
 */
final class TsoSplitter {
  private static final int TCP_FIN = 0x01;
  private static final int TCP_PSH = 0x08;
  private static final int TCP_CWR = 0x80;

  private byte[] in;
  private int pkt; // start of the IP packet in `in`
  private int end; // end of the IP packet
  private boolean v4;
  private int l4; // L4 header offset from pkt
  private int hdrLen; // IP + TCP header length
  private int gsoSize;
  private int segments;
  private int nextSegment;
  private boolean tcp;

  /**
   * Takes one read: {@code buf[0 .. len)} is a virtio header and a packet.
   *
   * @return false if the packet is malformed (nothing will be produced)
   */
  boolean begin(byte[] buf, int len) {
    segments = 0;
    nextSegment = 0;
    if (len < VnetHeader.SIZE + 20) {
      return false;
    }
    in = buf;
    pkt = VnetHeader.SIZE;
    end = len;
    int version = (buf[pkt] & 0xff) >>> 4;
    v4 = version == 4;
    if (!v4 && version != 6) {
      return false;
    }
    int type = VnetHeader.gsoType(buf, 0) & ~VnetHeader.GSO_ECN;
    int flags = VnetHeader.flags(buf, 0);
    if (type == VnetHeader.GSO_NONE) {
      tcp = false;
      if ((flags & VnetHeader.F_NEEDS_CSUM) != 0) {
        int start = VnetHeader.csumStart(buf, 0);
        int field = start + VnetHeader.csumOffset(buf, 0);
        if (start >= len - pkt || field + 2 > len - pkt) {
          return false;
        }
        buf[pkt + field] = 0;
        buf[pkt + field + 1] = 0;
        // The field held the pseudo-header sum; recompute it here rather than trust it.
        int sum = Checksum.add(0, buf, pkt + start, len - pkt - start);
        sum = Checksum.add(sum, pseudoSum(buf));
        putU16(buf, pkt + field, ~Checksum.fold(sum) & 0xffff);
      }
      segments = 1;
      return true;
    }
    if (type != VnetHeader.GSO_TCPV4 && type != VnetHeader.GSO_TCPV6) {
      return false;
    }
    if ((type == VnetHeader.GSO_TCPV4) != v4) {
      return false;
    }
    tcp = true;
    int ipLen = v4 ? (buf[pkt] & 0x0f) * 4 : 40;
    if (ipLen < 20 || len - pkt < ipLen + 20) {
      return false;
    }
    if (!v4 && (buf[pkt + 6] & 0xff) != 6) {
      return false; // extension headers: not produced by the kernel for TSO here
    }
    if (v4 && (buf[pkt + 9] & 0xff) != 6) {
      return false;
    }
    l4 = ipLen;
    int tcpLen = ((buf[pkt + l4 + 12] & 0xff) >>> 4) * 4;
    if (tcpLen < 20 || len - pkt < l4 + tcpLen) {
      return false;
    }
    hdrLen = l4 + tcpLen;
    gsoSize = VnetHeader.gsoSize(buf, 0);
    int payload = len - pkt - hdrLen;
    if (gsoSize <= 0 || payload <= 0) {
      return false;
    }
    segments = (payload + gsoSize - 1) / gsoSize;
    return true;
  }

  boolean hasMore() {
    return nextSegment < segments;
  }

  /**
   * Writes the next packet to {@code out[offset ..]}.
   *
   * @return its size, or -1 if it does not fit {@code out} (it is skipped)
   */
  int next(byte[] out, int offset) {
    int i = nextSegment++;
    if (!tcp) {
      int size = end - pkt;
      if (size > out.length - offset) {
        return -1;
      }
      System.arraycopy(in, pkt, out, offset, size);
      return size;
    }
    int payloadStart = pkt + hdrLen + i * gsoSize;
    int chunk = Math.min(gsoSize, end - payloadStart);
    int size = hdrLen + chunk;
    if (size > out.length - offset) {
      return -1;
    }
    System.arraycopy(in, pkt, out, offset, hdrLen);
    System.arraycopy(in, payloadStart, out, offset + hdrLen, chunk);
    boolean last = i == segments - 1;
    if (v4) {
      putU16(out, offset + 2, size);
      putU16(out, offset + 4, (u16(in, pkt + 4) + i) & 0xffff);
      out[offset + 10] = 0;
      out[offset + 11] = 0;
      putU16(out, offset + 10, ~Checksum.fold(Checksum.add(0, out, offset, l4)) & 0xffff);
    } else {
      putU16(out, offset + 4, size - 40);
    }
    int t = offset + l4;
    long seq = u32(in, pkt + l4 + 4) + (long) i * gsoSize;
    putU32(out, t + 4, seq);
    int flags = out[t + 13] & 0xff;
    if (!last) {
      flags &= ~(TCP_FIN | TCP_PSH);
    }
    if (i > 0) {
      flags &= ~TCP_CWR;
    }
    out[t + 13] = (byte) flags;
    out[t + 16] = 0;
    out[t + 17] = 0;
    int tcpLength = size - l4;
    int sum = Checksum.add(0, out, t, tcpLength);
    sum = Checksum.add(sum, pseudoHeader(out, offset, tcpLength));
    putU16(out, t + 16, ~Checksum.fold(sum) & 0xffff);
    return size;
  }

  private int pseudoSum(byte[] buf) {
    int l4len = end - pkt - VnetHeader.csumStart(buf, 0);
    return pseudoHeader(buf, pkt, l4len);
  }

  /** The pseudo-header sum: addresses, protocol and L4 length. */
  private static int pseudoHeader(byte[] b, int ip, int l4Length) {
    boolean isV4 = (b[ip] & 0xff) >>> 4 == 4;
    int sum;
    int proto;
    if (isV4) {
      sum = Checksum.add(0, b, ip + 12, 8);
      proto = b[ip + 9] & 0xff;
    } else {
      sum = Checksum.add(0, b, ip + 8, 32);
      proto = b[ip + 6] & 0xff;
    }
    return Checksum.add(sum, proto + l4Length);
  }

  private static int u16(byte[] b, int at) {
    return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
  }

  private static long u32(byte[] b, int at) {
    return ((long) u16(b, at) << 16 | u16(b, at + 2)) & 0xffffffffL;
  }

  private static void putU16(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 8);
    b[at + 1] = (byte) v;
  }

  private static void putU32(byte[] b, int at, long v) {
    putU16(b, at, (int) (v >>> 16) & 0xffff);
    putU16(b, at + 2, (int) v & 0xffff);
  }
}
