package dev.trellis.agent.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trellis.proto.crypto.AeadKey;
import dev.trellis.proto.crypto.BcChaChaPoly;
import dev.trellis.proto.crypto.ChaChaPoly;
import dev.trellis.proto.crypto.JdkChaChaPoly;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Known-answer tests from the RFCs and drafts for every primitive WireGuard uses (X25519, shared
 * with the other protocols, is checked against RFC 7748 in shared-proto).
 */
class CryptoKnownAnswerTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] SUNSCREEN =
      ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the"
              + " future, sunscreen would be it.")
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] KEY_80 = seq(0x80, 32);
  private static final byte[] AD = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");

  private static byte[] seq(int start, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (start + i);
    }
    return b;
  }

  @Test
  void blake2sOfAbcMatchesRfc7693() {
    assertEquals(
        "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982",
        HEX.formatHex(Blake2s.hash("abc".getBytes(StandardCharsets.US_ASCII))));
  }

  @Test
  void keyedBlake2sMatchesReferenceKat() {
    byte[] key = seq(0, 32);
    assertEquals(
        "48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49",
        HEX.formatHex(Blake2s.keyed(key, 32, new byte[0], 0, 0)));
    assertEquals(
        "40d15fee7c328830166ac3f918650f807e7e01e177258cdc0a39b11f598066f1",
        HEX.formatHex(Blake2s.keyed(key, 32, new byte[] {0}, 0, 1)));
  }

  @Test
  void hmacBlake2sMatchesTheRfc2104Construction() {
    // HMAC with a key longer than the block is keyed by the key's hash: both must agree.
    byte[] longKey = seq(1, 80);
    byte[] msg = "message".getBytes(StandardCharsets.US_ASCII);
    assertArrayEquals(Blake2s.hmac(Blake2s.hash(longKey), msg), Blake2s.hmac(longKey, msg));
    // Splitting the input must not change the result.
    assertArrayEquals(
        Blake2s.hmac(KEY_80, msg),
        Blake2s.hmac(KEY_80, Arrays.copyOf(msg, 3), Arrays.copyOfRange(msg, 3, msg.length)));
  }

  @Test
  void chaChaPolyMatchesRfc8439AeadVectorInPlace() {
    String expected =
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
            + "1ae10b594f09e26a7e902ecbd0600691";
    byte[] nonce = HEX.parseHex("070000004041424344454647");
    for (ChaChaPoly aead : List.of(new JdkChaChaPoly(), new BcChaChaPoly())) {
      AeadKey key = new AeadKey(KEY_80);
      byte[] buf = new byte[16 + SUNSCREEN.length + 16];
      System.arraycopy(SUNSCREEN, 0, buf, 16, SUNSCREEN.length);
      int n = aead.seal(key, nonce.clone(), buf, 16, SUNSCREEN.length, AD);
      assertEquals(SUNSCREEN.length + 16, n);
      assertEquals(expected, HEX.formatHex(buf, 16, 16 + n), aead.getClass().getSimpleName());
      int m = aead.open(key, nonce.clone(), buf, 16, n, AD);
      assertEquals(SUNSCREEN.length, m);
      assertArrayEquals(SUNSCREEN, Arrays.copyOfRange(buf, 16, 16 + m));
    }
  }

  @Test
  void chaChaPolyRejectsTamperingAndWrongKeysAndCountersWithWireGuardNonces() {
    for (ChaChaPoly aead : List.of(new JdkChaChaPoly(), new BcChaChaPoly())) {
      AeadKey key = new AeadKey(KEY_80);
      byte[] buf = Arrays.copyOf(SUNSCREEN, SUNSCREEN.length + 16);
      int n = aead.seal(key, 7, buf, 0, SUNSCREEN.length, null);
      byte[] copy = buf.clone();
      assertEquals(-1, aead.open(key, 8, copy, 0, n, null), "wrong counter");
      copy = buf.clone();
      assertEquals(-1, aead.open(new AeadKey(seq(1, 32)), 7, copy, 0, n, null), "wrong key");
      copy = buf.clone();
      copy[3] ^= 1;
      assertEquals(-1, aead.open(key, 7, copy, 0, n, null), "flipped bit");
      assertEquals(-1, aead.open(key, 7, copy, 0, 15, null), "shorter than a tag");
      assertEquals(SUNSCREEN.length, aead.open(key, 7, buf, 0, n, null));
    }
    // Both implementations produce the same bytes for the same counter.
    byte[] a = Arrays.copyOf(SUNSCREEN, SUNSCREEN.length + 16);
    byte[] b = a.clone();
    new JdkChaChaPoly().seal(new AeadKey(KEY_80), 1L << 40, a, 0, SUNSCREEN.length, null);
    new BcChaChaPoly().seal(new AeadKey(KEY_80), 1L << 40, b, 0, SUNSCREEN.length, null);
    assertArrayEquals(a, b);
  }

  @Test
  void hChaCha20MatchesXChaChaDraft() {
    byte[] key = seq(0, 32);
    byte[] nonce = HEX.parseHex("000000090000004a0000000031415927");
    assertEquals(
        "82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc",
        HEX.formatHex(XChaChaPoly.hChaCha20(key, nonce)));
  }

  @Test
  void xChaChaPolyMatchesDraftVector() {
    byte[] nonce = seq(0x40, 24);
    String expected =
        "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e"
            + "c0875924c1c7987947deafd8780acf49";
    byte[] sealed = XChaChaPoly.seal(KEY_80, nonce, SUNSCREEN, AD);
    assertEquals(expected, HEX.formatHex(sealed));
    assertArrayEquals(SUNSCREEN, XChaChaPoly.open(KEY_80, nonce, sealed, AD));
    sealed[0] ^= 1;
    assertNull(XChaChaPoly.open(KEY_80, nonce, sealed, AD));
  }

  @Test
  void tai64nIsBigEndianWithTheTaiOffsetAndOrdersByTime() {
    byte[] t = Tai64n.encode(java.time.Instant.ofEpochSecond(0, 0));
    assertEquals("400000000000000a00000000", HEX.formatHex(t));
    byte[] later = Tai64n.encode(java.time.Instant.ofEpochSecond(1, 0));
    assertEquals(true, Tai64n.after(later, t));
    assertEquals(false, Tai64n.after(t, t));
  }

  @Test
  void aeadKeyNeverPrintsItsBytes() {
    assertEquals("AeadKey<redacted>", new AeadKey(KEY_80).toString());
  }
}
