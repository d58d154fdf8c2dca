package dev.trellis.proto.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** HKDF-SHA256 against the SHA-256 test cases of RFC 5869 appendix A. */
class HkdfTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void rfc5869TestCase1() {
    byte[] ikm = fill(0x0b, 22);
    byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
    byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
    byte[] prk = Hkdf.extract(salt, ikm);
    assertEquals(
        "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", HEX.formatHex(prk));
    String okm =
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";
    assertEquals(okm, HEX.formatHex(Hkdf.expand(prk, info, 42)));
    assertEquals(okm, HEX.formatHex(Hkdf.derive(salt, ikm, info, 42)));
  }

  @Test
  void rfc5869TestCase2LongInputs() {
    byte[] ikm = sequence(0x00, 80);
    byte[] salt = sequence(0x60, 80);
    byte[] info = sequence(0xb0, 80);
    byte[] prk = Hkdf.extract(salt, ikm);
    assertEquals(
        "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244", HEX.formatHex(prk));
    assertEquals(
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
            + "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
            + "cc30c58179ec3e87c14c01d5c1f3434f1d87",
        HEX.formatHex(Hkdf.derive(salt, ikm, info, 82)));
  }

  @Test
  void rfc5869TestCase3NoSaltNoInfo() {
    byte[] ikm = fill(0x0b, 22);
    assertEquals(
        "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
        HEX.formatHex(Hkdf.extract(new byte[0], ikm)));
    String okm =
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8";
    assertEquals(okm, HEX.formatHex(Hkdf.derive(null, ikm, null, 42)));
    // Noise's HKDF(ck, ikm) is this with the chaining key as salt: 32 zero bytes equal no salt.
    assertEquals(okm, HEX.formatHex(Hkdf.derive(new byte[32], ikm, new byte[0], 42)));
  }

  @Test
  void outputLengthIsBoundedByTheRfc() {
    assertEquals(8160, Hkdf.expand(new byte[32], null, 8160).length);
    var e =
        assertThrows(IllegalArgumentException.class, () -> Hkdf.expand(new byte[32], null, 8161));
    assertEquals("HKDF-SHA256 yields 0 to 8160 bytes, not 8161", e.getMessage());
  }

  @Property(tries = 200)
  void shorterOutputIsAPrefixOfLongerOutput(
      @ForAll @Size(max = 40) byte[] ikm,
      @ForAll @Size(max = 20) byte[] info,
      @ForAll @IntRange(min = 0, max = 100) int n,
      @ForAll @IntRange(min = 0, max = 100) int m) {
    byte[] salt = "salt".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] shorter = Hkdf.derive(salt, ikm, info, Math.min(n, m));
    byte[] longer = Hkdf.derive(salt, ikm, info, Math.max(n, m));
    assertArrayEquals(shorter, Arrays.copyOf(longer, shorter.length));
  }

  private static byte[] fill(int value, int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  private static byte[] sequence(int start, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (start + i);
    }
    return b;
  }
}
