package dev.trellis.agent.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TcpCoalescerTest {
  private static final int OFF = 16;

  /** Segments as TsoSplitter makes them from one super-packet. */
  private static List<byte[]> segments(String src, String dst, int payload, int mss, int flags)
      throws Exception {
    byte[] data = new byte[payload];
    new Random(payload).nextBytes(data);
    byte[] pkt =
        TestPackets.tcp(
            InetAddress.getByName(src), InetAddress.getByName(dst), 5000, flags, data, 1);
    byte[] in = TsoSplitterTest.withVnet(pkt, src.contains(":") ? 4 : 1, mss);
    TsoSplitter s = new TsoSplitter();
    assertTrue(s.begin(in, in.length));
    List<byte[]> out = new ArrayList<>();
    while (s.hasMore()) {
      byte[] b = new byte[2000];
      int n = s.next(b, 0);
      out.add(Arrays.copyOf(b, n));
    }
    return out;
  }

  private static int coalesce(TcpCoalescer c, List<byte[]> pkts, int start, byte[] out) {
    byte[][] bufs = new byte[pkts.size()][];
    int[] sizes = new int[pkts.size()];
    for (int i = 0; i < bufs.length; i++) {
      bufs[i] = new byte[OFF + pkts.get(i).length];
      System.arraycopy(pkts.get(i), 0, bufs[i], OFF, pkts.get(i).length);
      sizes[i] = pkts.get(i).length;
    }
    return c.coalesce(bufs, sizes, OFF, start, bufs.length, out);
  }

  @Test
  void aRunOfSegmentsBecomesOneSuperPacketThatSplitsBackIntoTheSameSegments() throws Exception {
    for (String[] pair : new String[][] {{"10.0.0.1", "10.0.0.2"}, {"fd00::1", "fd00::2"}}) {
      List<byte[]> segs = segments(pair[0], pair[1], 20_000, 1300, 0x18);
      TcpCoalescer c = new TcpCoalescer();
      byte[] out = new byte[70_000];
      assertEquals(segs.size(), coalesce(c, segs, 0, out));
      assertEquals(1300, out[4] & 0xff | (out[5] & 0xff) << 8, "gso_size");
      TsoSplitter again = new TsoSplitter();
      assertTrue(again.begin(out, c.length));
      for (byte[] expected : segs) {
        byte[] b = new byte[2000];
        int n = again.next(b, 0);
        assertArrayEquals(expected, Arrays.copyOf(b, n));
      }
      assertTrue(!again.hasMore());
    }
  }

  @Test
  void differentFlowsAndLonePacketsDoNotMerge() throws Exception {
    List<byte[]> a = segments("10.0.0.1", "10.0.0.2", 3000, 1000, 0x10);
    List<byte[]> b = segments("10.0.0.3", "10.0.0.2", 3000, 1000, 0x10);
    List<byte[]> mixed = List.of(a.get(0), b.get(0), a.get(1), b.get(1));
    TcpCoalescer c = new TcpCoalescer();
    byte[] out = new byte[70_000];
    assertEquals(1, coalesce(c, mixed, 0, out));
    assertEquals(1, coalesce(c, a.subList(2, 3), 0, out));
    // a gap in the sequence numbers stops the run
    assertEquals(1, coalesce(c, List.of(a.get(0), a.get(2)), 0, out));
    assertEquals(2, coalesce(c, List.of(a.get(0), a.get(1), a.get(0)), 0, out));
  }

  @Property(tries = 1000)
  void randomBatchesNeverThrowAndAlwaysConsumeAtLeastOne(
      @ForAll @Size(min = 1, max = 6) List<@Size(max = 200) byte[]> raw,
      @ForAll @IntRange(min = 0, max = 5) int start) {
    int s = Math.min(start, raw.size() - 1);
    TcpCoalescer c = new TcpCoalescer();
    int merged = coalesce(c, raw, s, new byte[70_000]);
    assertTrue(merged >= 1 && s + merged <= raw.size());
  }
}
