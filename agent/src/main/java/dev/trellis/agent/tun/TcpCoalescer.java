package dev.trellis.agent.tun;

/**
 * Merges a run of consecutive TCP segments of one flow, as they leave the tunnel towards the
 * kernel, into one super-packet with a virtio header ({@code GSO_TCPV4/TCPV6}, {@code NEEDS_CSUM}),
 * so a TUN device with offload takes a whole run in one write and the kernel's TCP stack sees one
 * large packet — receive-side GRO done in user space.
 *
 * <p>Segments merge only when the kernel would also have merged them: same addresses, ports and IP
 * header fields; the next sequence number; the same ACK number and TCP options; only ACK (and PSH
 * on the last) set; every payload but the last exactly {@code gso_size}; at most 64 segments and 64
 * KiB. Order is never changed: only neighbours in the batch merge.
 *
 * <p>Thread-safety: not thread-safe; the TUN writer owns one.
 */
final class TcpCoalescer {
  private static final int MAX_SEGMENTS = 64;
  private static final int MAX_PACKET = 65535;
  private static final int ACK = 0x10;
  private static final int PSH = 0x08;

  /** Bytes (virtio header + packet) written to {@code out} by the last merge. */
  int length;

  /**
   * Tries to merge packets from {@code start}.
   *
   * @return how many packets went into {@code out} (at least 2), or 1 if {@code bufs[start]} does
   *     not merge with its successor and must be written on its own
   */
  int coalesce(byte[][] bufs, int[] sizes, int offset, int start, int count, byte[] out) {
    if (start + 1 >= count) {
      return 1;
    }
    byte[] p = bufs[start];
    int size = sizes[start];
    int ipLen = tcpIpHeaderLength(p, offset, size);
    if (ipLen < 0) {
      return 1;
    }
    int t = offset + ipLen;
    int tcpLen = ((p[t + 12] & 0xff) >>> 4) * 4;
    int hdr = ipLen + tcpLen;
    int gsoSize = size - hdr;
    if (gsoSize <= 0 || hdr > size || (p[t + 13] & 0xff) != ACK) {
      return 1;
    }
    long nextSeq = (u32(p, t + 4) + gsoSize) & 0xffffffffL;
    int total = size;
    int k = start + 1;
    boolean lastPsh = false;
    for (; k < count && k - start < MAX_SEGMENTS; k++) {
      byte[] q = bufs[k];
      int qs = sizes[k];
      int qPayload = qs - hdr;
      if (qs < hdr + 1 || qPayload > gsoSize || total + qPayload > MAX_PACKET) {
        break;
      }
      if (!sameFlow(p, q, offset, ipLen, tcpLen) || u32(q, offset + ipLen + 4) != nextSeq) {
        break;
      }
      int flags = q[offset + ipLen + 13] & 0xff;
      if (flags != ACK && flags != (ACK | PSH)) {
        break;
      }
      total += qPayload;
      nextSeq = (nextSeq + qPayload) & 0xffffffffL;
      if (flags == (ACK | PSH) || qPayload < gsoSize) {
        lastPsh = flags == (ACK | PSH);
        k++;
        break; // nothing may follow a short or pushed segment
      }
    }
    int merged = k - start;
    if (merged < 2) {
      return 1;
    }
    boolean v4 = (p[offset] & 0xf0) == 0x40;
    int o = VnetHeader.SIZE;
    System.arraycopy(p, offset, out, o, size);
    int at = o + size;
    for (int i = start + 1; i < k; i++) {
      int len = sizes[i] - hdr;
      System.arraycopy(bufs[i], offset + hdr, out, at, len);
      at += len;
    }
    if (v4) {
      putU16(out, o + 2, total);
      out[o + 10] = 0;
      out[o + 11] = 0;
      putU16(out, o + 10, ~Checksum.fold(Checksum.add(0, out, o, ipLen)) & 0xffff);
    } else {
      putU16(out, o + 4, total - 40);
    }
    if (lastPsh) {
      out[o + ipLen + 13] |= PSH;
    }
    // NEEDS_CSUM: the field holds the pseudo-header sum; the kernel completes it.
    int tcpTotal = total - ipLen;
    int pseudo =
        v4
            ? Checksum.add(Checksum.add(0, out, o + 12, 8), 6 + tcpTotal)
            : Checksum.add(Checksum.add(0, out, o + 8, 32), 6 + tcpTotal);
    putU16(out, o + ipLen + 16, Checksum.fold(pseudo));
    out[0] = (byte) VnetHeader.F_NEEDS_CSUM;
    out[1] = (byte) (v4 ? VnetHeader.GSO_TCPV4 : VnetHeader.GSO_TCPV6);
    putU16le(out, 2, hdr);
    putU16le(out, 4, gsoSize);
    putU16le(out, 6, ipLen);
    putU16le(out, 8, 16);
    length = VnetHeader.SIZE + total;
    return merged;
  }

  /** The IP header length if this is a plain TCP packet that may merge, else -1. */
  private static int tcpIpHeaderLength(byte[] p, int off, int size) {
    if (size < 40) {
      return -1;
    }
    int version = (p[off] & 0xff) >>> 4;
    if (version == 4) {
      if ((p[off] & 0x0f) != 5 || p[off + 9] != 6 || u16(p, off + 2) != size) {
        return -1;
      }
      if ((u16(p, off + 6) & 0x3fff) != 0) {
        return -1; // a fragment (MF or offset set)
      }
      return size >= 40 ? 20 : -1;
    }
    if (version == 6) {
      if (size < 60 || p[off + 6] != 6 || u16(p, off + 4) != size - 40) {
        return -1;
      }
      return 40;
    }
    return -1;
  }

  private static boolean sameFlow(byte[] p, byte[] q, int off, int ipLen, int tcpLen) {
    boolean v4 = ipLen == 20;
    if ((q[off] & 0xff) != (p[off] & 0xff)) {
      return false;
    }
    if (v4) {
      // tos, flags/fragment, ttl, protocol, addresses; not total length, id, checksum
      if (q[off + 1] != p[off + 1] || u16(q, off + 6) != u16(p, off + 6)) {
        return false;
      }
      if (q[off + 8] != p[off + 8] || q[off + 9] != p[off + 9]) {
        return false;
      }
      if (!equal(p, q, off + 12, 8)) {
        return false;
      }
    } else {
      if (!equal(p, q, off, 4) || !equal(p, q, off + 6, 34)) {
        return false;
      }
    }
    int t = off + ipLen;
    if (((q[t + 12] & 0xff) >>> 4) * 4 != tcpLen) {
      return false;
    }
    // ports, ACK number, and every option byte must match
    return equal(p, q, t, 4) && equal(p, q, t + 8, 4) && equal(p, q, t + 20, tcpLen - 20);
  }

  private static boolean equal(byte[] a, byte[] b, int from, int len) {
    return java.util.Arrays.equals(a, from, from + len, b, from, from + len);
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

  private static void putU16le(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
  }
}
