package dev.trellis.proto.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The bind datagram's layout, its MAC, and what is not a bind. */
class UdpRelayBindTest {
  private static final byte[] SECRET = new byte[32];

  static {
    Arrays.fill(SECRET, (byte) 0x5a);
  }

  @Test
  void aBindHasTheDocumentedLayout() {
    byte[] b = UdpRelayBind.encode(1, 0x0102030405060708L, 9, SECRET);
    assertEquals(UdpRelayBind.LENGTH, b.length);
    assertEquals(
        "ff545242" + "01" + "01" + "0102030405060708" + "0000000000000009",
        HexFormat.of().formatHex(b, 0, 22));
    var f = UdpRelayBind.decode(b, 0, b.length);
    assertEquals(new UdpRelayBind.Fields(1, 0x0102030405060708L, 9), f);
    assertTrue(UdpRelayBind.verify(b, 0, b.length, SECRET));
  }

  @Test
  void theMacHoldsOnlyWithTheSideSecretAndTheSignedBytes() {
    byte[] b = UdpRelayBind.encode(0, 42, 1000, SECRET);
    byte[] other = SECRET.clone();
    other[0] ^= 1;
    assertFalse(UdpRelayBind.verify(b, 0, b.length, other));
    for (int i = 0; i < b.length; i++) {
      byte[] c = b.clone();
      c[i] ^= 0x01;
      assertFalse(UdpRelayBind.verify(c, 0, c.length, SECRET), "flipped byte " + i);
    }
  }

  @Test
  void wireGuardDiscoAndStunAreNotBinds() {
    byte[] wg = new byte[38];
    wg[0] = 4;
    assertNull(UdpRelayBind.decode(wg, 0, wg.length));
    byte[] disco = new byte[38];
    disco[0] = 'T';
    disco[1] = 'R';
    disco[2] = 'L';
    assertFalse(UdpRelayBind.looksLikeBind(disco, 0, disco.length));
    byte[] longer = Arrays.copyOf(UdpRelayBind.encode(0, 1, 1, SECRET), 39);
    assertFalse(UdpRelayBind.looksLikeBind(longer, 0, longer.length));
    byte[] badSide = UdpRelayBind.encode(0, 1, 1, SECRET);
    badSide[5] = 2;
    assertNull(UdpRelayBind.decode(badSide, 0, badSide.length));
  }
}
