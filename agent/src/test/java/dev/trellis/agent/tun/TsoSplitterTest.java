package dev.trellis.agent.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class TsoSplitterTest {
  private static final int PSH = 0x08;
  private static final int ACK = 0x10;
  private static final int FIN = 0x01;

  @Test
  void ipv4SuperPacketBecomesValidSegmentsCarryingThePayloadInOrder() throws Exception {
    checkSplit(InetAddress.getByName("10.1.2.3"), InetAddress.getByName("10.1.2.4"), 1, 1380);
  }

  @Test
  void ipv6SuperPacketBecomesValidSegmentsCarryingThePayloadInOrder() throws Exception {
    checkSplit(InetAddress.getByName("fd00::1"), InetAddress.getByName("fd00::2"), 4, 1360);
  }

  private static void checkSplit(InetAddress src, InetAddress dst, int gsoType, int mss) {
    byte[] payload = new byte[60_000];
    new Random(7).nextBytes(payload);
    long seq = 0xfffff000L; // wraps around 2^32 inside the super-packet
    byte[] pkt = TestPackets.tcp(src, dst, seq, ACK | PSH | FIN, payload, 0xfff0);
    byte[] in = withVnet(pkt, gsoType, mss);
    TsoSplitter s = new TsoSplitter();
    assertTrue(s.begin(in, in.length));
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    int count = 0;
    boolean v4 = gsoType == 1;
    int ipLen = v4 ? 20 : 40;
    while (s.hasMore()) {
      byte[] out = new byte[2000];
      int size = s.next(out, 16);
      assertTrue(size > 0 && size <= ipLen + 20 + mss, "segment size " + size);
      assertTrue(TestPackets.l4ChecksumOk(out, 16, size), "TCP checksum of segment " + count);
      if (v4) {
        assertTrue(TestPackets.ipv4ChecksumOk(out, 16));
        assertEquals(size, TestPackets.u16(out, 18));
        assertEquals((0xfff0 + count) & 0xffff, TestPackets.u16(out, 20));
      } else {
        assertEquals(size - 40, TestPackets.u16(out, 20));
      }
      int t = 16 + ipLen;
      long segSeq = ((long) TestPackets.u16(out, t + 4) << 16) | TestPackets.u16(out, t + 6);
      assertEquals((seq + (long) count * mss) & 0xffffffffL, segSeq);
      int flags = out[t + 13] & 0xff;
      boolean last = !s.hasMore();
      assertEquals(last ? (ACK | PSH | FIN) : ACK, flags);
      joined.write(out, t + 20, size - ipLen - 20);
      count++;
    }
    assertEquals((payload.length + mss - 1) / mss, count);
    assertArrayEquals(payload, joined.toByteArray());
  }

  @Test
  void partialChecksumIsCompleted() throws Exception {
    byte[] pkt =
        TestPackets.udp(
            InetAddress.getByName("10.0.0.1"),
            InetAddress.getByName("10.0.0.2"),
            1000,
            2000,
            "hello".getBytes());
    // As the kernel hands it over: the checksum field holds a stale value, NEEDS_CSUM set.
    pkt[26] = 0x12;
    pkt[27] = 0x34;
    byte[] in = withVnet(pkt, 0, 0);
    in[0] = 1;
    in[6] = 20; // csum_start
    in[8] = 6; // csum_offset
    TsoSplitter s = new TsoSplitter();
    assertTrue(s.begin(in, in.length));
    byte[] out = new byte[100];
    int size = s.next(out, 0);
    assertEquals(pkt.length, size);
    assertTrue(TestPackets.l4ChecksumOk(out, 0, size));
    assertFalse(s.hasMore());
  }

  @Test
  void truncatedOrInconsistentInputIsRefused() {
    TsoSplitter s = new TsoSplitter();
    assertFalse(s.begin(new byte[5], 5));
    byte[] junk = new byte[60];
    junk[10] = 0x45;
    junk[1] = 1; // TCPV4 but protocol 0
    assertFalse(s.begin(junk, junk.length));
    junk[10] = 0x75; // IP version 7
    junk[1] = 0;
    assertFalse(s.begin(junk, junk.length));
  }

  @Property(tries = 3000)
  void randomOrMutatedInputNeverThrows(
      @ForAll @Size(max = 3000) byte[] random,
      @ForAll @IntRange(min = 0, max = 70) int mutateAt,
      @ForAll byte mutation,
      @ForAll @IntRange(min = 0, max = 2) int shape) {
    byte[] in = random;
    if (shape > 0) {
      byte[] pkt;
      try {
        pkt =
            TestPackets.tcp(
                InetAddress.getByName(shape == 1 ? "10.0.0.1" : "fd00::1"),
                InetAddress.getByName(shape == 1 ? "10.0.0.2" : "fd00::2"),
                1,
                ACK,
                random,
                1);
      } catch (java.net.UnknownHostException e) {
        throw new AssertionError(e);
      }
      in = withVnet(pkt, shape == 1 ? 1 : 4, 1 + (mutation & 0xff) * 4);
      if (mutateAt < in.length) {
        in[mutateAt] ^= mutation;
      }
    }
    TsoSplitter s = new TsoSplitter();
    if (s.begin(in, in.length)) {
      byte[] out = new byte[1500];
      int guard = 0;
      while (s.hasMore() && guard++ < 70_000) {
        s.next(out, 16);
      }
      assertFalse(s.hasMore());
    }
  }

  static byte[] withVnet(byte[] pkt, int gsoType, int gsoSize) {
    byte[] in = new byte[VnetHeader.SIZE + pkt.length];
    in[1] = (byte) gsoType;
    in[4] = (byte) gsoSize;
    in[5] = (byte) (gsoSize >>> 8);
    System.arraycopy(pkt, 0, in, VnetHeader.SIZE, pkt.length);
    return in;
  }
}
