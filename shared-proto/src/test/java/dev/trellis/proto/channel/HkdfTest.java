package dev.trellis.proto.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Noise's HKDF equals RFC 5869 HKDF-SHA256 with salt = chaining key and empty info. */
class HkdfTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void matchesRfc5869TestCase3() {
    // RFC 5869 A.3: IKM = 0x0b * 22, salt = "" (which HMAC pads to 32 zero bytes), info = "".
    byte[] ikm = new byte[22];
    java.util.Arrays.fill(ikm, (byte) 0x0b);
    byte[][] out = Hkdf.derive2(new byte[32], ikm);
    String okm = HEX.formatHex(out[0]) + HEX.formatHex(out[1]);
    assertEquals(
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
        okm.substring(0, 84));
  }
}
