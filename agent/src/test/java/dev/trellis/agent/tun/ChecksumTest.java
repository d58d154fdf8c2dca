package dev.trellis.agent.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ChecksumTest {
  @Property(tries = 2000)
  void wordAtATimeSumEqualsTheRfc1071Definition(
      @ForAll @Size(max = 3000) byte[] data,
      @ForAll @IntRange(min = 0, max = 64) int from,
      @ForAll @IntRange(min = 0, max = 3000) int len,
      @ForAll int start) {
    int f = Math.min(from, data.length);
    int l = Math.min(len, data.length - f);
    int initial = start & 0xffff;
    long ref = initial;
    for (int i = 0; i + 1 < l; i += 2) {
      ref += (data[f + i] & 0xff) << 8 | (data[f + i + 1] & 0xff);
    }
    if ((l & 1) == 1) {
      ref += (data[f + l - 1] & 0xff) << 8;
    }
    while ((ref >>> 16) != 0) {
      ref = (ref & 0xffff) + (ref >>> 16);
    }
    assertEquals(ref, Checksum.fold(Checksum.add(initial, data, f, l)));
  }
}
