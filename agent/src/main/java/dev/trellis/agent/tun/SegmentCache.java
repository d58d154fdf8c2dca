package dev.trellis.agent.tun;

import java.lang.foreign.MemorySegment;

/**
 * Remembers the heap memory segment made for each slot's buffer and offset, so a caller that reuses
 * its buffers (as the device's pipeline does) makes no new segment per packet.
 *
 * <p>Thread-safety: not thread-safe; each I/O direction owns one.
 */
final class SegmentCache {
  private final byte[][] arrays;
  private final int[] offsets;
  private final MemorySegment[] segments;

  SegmentCache(int slots) {
    arrays = new byte[slots][];
    offsets = new int[slots];
    segments = new MemorySegment[slots];
  }

  /** A segment over {@code buf[offset ..]}, made once per (slot, buffer, offset). */
  MemorySegment get(int slot, byte[] buf, int offset) {
    if (slot < arrays.length && arrays[slot] == buf && offsets[slot] == offset) {
      return segments[slot];
    }
    MemorySegment seg = MemorySegment.ofArray(buf).asSlice(offset);
    if (slot < arrays.length) {
      arrays[slot] = buf;
      offsets[slot] = offset;
      segments[slot] = seg;
    }
    return seg;
  }
}
