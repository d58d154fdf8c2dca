package dev.trellis.proto.relay;

import static org.junit.jupiter.api.Assertions.assertFalse;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random and mutated datagrams given to the bind parser only ever give fields or null, never an
 * exception, and a mutated bind never verifies with the secret it was made with.
 */
class UdpRelayBindFuzzTest {
  private static final byte[] SECRET = new byte[32];

  @Property(tries = 2000)
  void randomDatagramsNeverThrow(@ForAll @Size(max = 80) byte[] bytes, @ForAll boolean magic) {
    if (magic && bytes.length >= 4) {
      bytes[0] = (byte) 0xff;
      bytes[1] = 'T';
      bytes[2] = 'R';
      bytes[3] = 'B';
    }
    UdpRelayBind.decode(bytes, 0, bytes.length);
    UdpRelayBind.verify(bytes, 0, bytes.length, SECRET);
  }

  @Property(tries = 1000)
  void mutatedBindsNeverVerify(
      @ForAll @IntRange(min = 0, max = 37) int at,
      @ForAll @IntRange(min = 1, max = 255) int x,
      @ForAll long session,
      @ForAll long counter) {
    byte[] b = UdpRelayBind.encode((int) (counter & 1), session, counter, SECRET);
    b[at] ^= (byte) x;
    UdpRelayBind.decode(b, 0, b.length);
    assertFalse(UdpRelayBind.verify(b, 0, b.length, SECRET));
  }
}
