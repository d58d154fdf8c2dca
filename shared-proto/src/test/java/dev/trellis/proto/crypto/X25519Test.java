package dev.trellis.proto.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** X25519 against the test vectors of RFC 7748 §5.2 and §6.1. */
class X25519Test {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void scalarMultiplicationMatchesRfc7748Section52() {
    assertEquals(
        "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
        dh(
            "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
    // The second vector's u has its top bit set, which X25519 must ignore.
    assertEquals(
        "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
        dh(
            "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"));
  }

  @Test
  void iteratedScalarMultiplicationMatchesRfc7748() {
    byte[] k = new byte[32];
    k[0] = 9;
    byte[] u = k.clone();
    for (int i = 1; i <= 1000; i++) {
      byte[] next = X25519.sharedSecret(k, u);
      u = k;
      k = next;
      if (i == 1) {
        assertEquals(
            "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", HEX.formatHex(k));
      }
    }
    assertEquals(
        "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", HEX.formatHex(k));
  }

  @Test
  void diffieHellmanMatchesRfc7748Section61() {
    byte[] alice = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] bob = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    assertEquals(
        "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
        HEX.formatHex(X25519.publicKey(alice)));
    assertEquals(
        "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
        HEX.formatHex(X25519.publicKey(bob)));
    String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    assertEquals(shared, HEX.formatHex(X25519.sharedSecret(alice, X25519.publicKey(bob))));
    assertEquals(shared, HEX.formatHex(X25519.sharedSecret(bob, X25519.publicKey(alice))));
  }

  @Test
  void lowOrderPointsGiveNoSecret() {
    byte[] a = X25519.generatePrivate();
    assertNull(X25519.sharedSecret(a, new byte[32]), "the zero point");
    byte[] one = new byte[32];
    one[0] = 1;
    assertNull(X25519.sharedSecret(a, one), "the point of order 1");
    // a point of order 8 (from the list of low-order points in the Curve25519 literature)
    byte[] order8 =
        HEX.parseHex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");
    assertNull(X25519.sharedSecret(a, order8), "a point of order 8");
  }

  @Test
  void keysOfTheWrongLengthAreRefusedWithAReason() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> X25519.sharedSecret(new byte[32], new byte[31]));
    assertEquals("an X25519 public key is 32 bytes, got 31", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> X25519.publicKey(null));
    assertThrows(IllegalArgumentException.class, () -> X25519.clamp(new byte[33]));
  }

  @Test
  void generatedKeysAreClamped() {
    for (int i = 0; i < 100; i++) {
      byte[] k = X25519.generatePrivate();
      assertEquals(0, k[0] & 7);
      assertEquals(0x40, k[31] & 0xc0);
    }
  }

  @Property(tries = 50)
  void bothSidesAgree(@ForAll @Size(32) byte[] a, @ForAll @Size(32) byte[] b) {
    X25519.clamp(a);
    X25519.clamp(b);
    assertArrayEquals(
        X25519.sharedSecret(a, X25519.publicKey(b)), X25519.sharedSecret(b, X25519.publicKey(a)));
  }

  private static String dh(String scalar, String u) {
    return HEX.formatHex(X25519.sharedSecret(HEX.parseHex(scalar), HEX.parseHex(u)));
  }
}
