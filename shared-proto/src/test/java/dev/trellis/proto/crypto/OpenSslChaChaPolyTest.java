package dev.trellis.proto.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link OpenSslChaChaPoly} against RFC 8439, against the JDK cipher, for tamper detection, and for
 * its zero-allocation claim. libcrypto.so.3 is part of the machine image (Debian libssl3), so these
 * tests require it rather than skipping.
 *
 * <p>The allocation test runs first: once {@link OpenSslChaChaPoly.Transfer#NATIVE_COPY} has run in
 * the same JVM, the transfer branch is no longer monomorphic and C2 may stop removing the heap
 * path's segment views (seen as 152 B/seal). The data plane only ever uses HEAP_CRITICAL.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenSslChaChaPolyTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final byte[] SUNSCREEN =
      ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the"
              + " future, sunscreen would be it.")
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AD = HEX.parseHex("50515253c0c1c2c3c4c5c6c7");
  private static final byte[] NONCE = HEX.parseHex("070000004041424344454647");
  private static final String RFC_SEALED =
      "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca96712"
          + "82fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b"
          + "58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
          + "1ae10b594f09e26a7e902ecbd0600691";

  private static AeadKey rfcKey() {
    byte[] k = new byte[32];
    for (int i = 0; i < 32; i++) {
      k[i] = (byte) (0x80 + i);
    }
    return new AeadKey(k);
  }

  @Test
  void libcryptoLoadsHere() {
    assertTrue(OpenSslChaChaPoly.isAvailable(), () -> "libcrypto: " + LibCrypto.UNAVAILABLE);
    assertTrue(OpenSslChaChaPoly.openSslVersion().startsWith("OpenSSL 3"));
  }

  @ParameterizedTest
  @EnumSource(OpenSslChaChaPoly.Transfer.class)
  void sealsAndOpensRfc8439VectorInPlaceAtOffsets(OpenSslChaChaPoly.Transfer transfer) {
    try (OpenSslChaChaPoly aead = new OpenSslChaChaPoly(transfer)) {
      AeadKey key = rfcKey();
      for (int off : new int[] {0, 1, 16, 33}) {
        byte[] buf = new byte[off + SUNSCREEN.length + 16 + 7];
        Arrays.fill(buf, (byte) 0x5a);
        System.arraycopy(SUNSCREEN, 0, buf, off, SUNSCREEN.length);
        int n = aead.seal(key, NONCE.clone(), buf, off, SUNSCREEN.length, AD);
        assertEquals(SUNSCREEN.length + 16, n);
        assertEquals(RFC_SEALED, HEX.formatHex(buf, off, off + n), "offset " + off);
        assertUntouchedOutside(buf, off, n);
        int m = aead.open(key, NONCE.clone(), buf, off, n, AD);
        assertEquals(SUNSCREEN.length, m);
        assertArrayEquals(SUNSCREEN, Arrays.copyOfRange(buf, off, off + m));
        assertUntouchedOutside(buf, off, n);
      }
    }
  }

  private static void assertUntouchedOutside(byte[] buf, int off, int n) {
    for (int i = 0; i < buf.length; i++) {
      if (i < off || i >= off + n) {
        assertEquals((byte) 0x5a, buf[i], "byte " + i + " outside the packet changed");
      }
    }
  }

  @Test
  void wireGuardCounterNonceIsFourZeroBytesThenLittleEndianCounter() {
    try (OpenSslChaChaPoly aead = new OpenSslChaChaPoly()) {
      AeadKey key = rfcKey();
      long counter = 0x0102030405060708L;
      byte[] nonce = HEX.parseHex("000000000807060504030201");
      byte[] a = Arrays.copyOf(SUNSCREEN, SUNSCREEN.length + 16);
      byte[] b = a.clone();
      aead.seal(key, counter, a, 0, SUNSCREEN.length, null);
      aead.seal(key, nonce, b, 0, SUNSCREEN.length, null);
      assertArrayEquals(a, b);
      assertEquals(SUNSCREEN.length, aead.open(key, nonce, a, 0, a.length, null));
      assertEquals(SUNSCREEN.length, aead.open(key, counter, b, 0, b.length, new byte[0]));
      assertArrayEquals(a, b);
    }
  }

  @ParameterizedTest
  @EnumSource(OpenSslChaChaPoly.Transfer.class)
  void rejectsAFlippedBitInCiphertextTagOrAadAndWrongKeyOrCounter(
      OpenSslChaChaPoly.Transfer transfer) {
    try (OpenSslChaChaPoly aead = new OpenSslChaChaPoly(transfer)) {
      AeadKey key = rfcKey();
      int off = 3;
      byte[] sealed = new byte[off + SUNSCREEN.length + 16];
      System.arraycopy(SUNSCREEN, 0, sealed, off, SUNSCREEN.length);
      int n = aead.seal(key, 9, sealed, off, SUNSCREEN.length, AD);
      for (int bit = 0; bit < n * 8; bit += 37) {
        byte[] copy = sealed.clone();
        copy[off + bit / 8] ^= (byte) (1 << (bit % 8));
        assertEquals(-1, aead.open(key, 9, copy, off, n, AD), "flipped bit " + bit);
        // No unauthenticated plaintext is left behind: zeroed in place, or never copied out.
        for (int i = off; i < off + n - 16; i++) {
          byte want =
              transfer == OpenSslChaChaPoly.Transfer.HEAP_CRITICAL
                  ? 0
                  : (byte) (sealed[i] ^ (i == off + bit / 8 ? 1 << (bit % 8) : 0));
          assertEquals(want, copy[i]);
        }
      }
      byte[] copy = sealed.clone();
      copy[off + n - 1] ^= (byte) 0x80;
      assertEquals(-1, aead.open(key, 9, copy, off, n, AD), "flipped tag bit");
      for (int i = 0; i < AD.length * 8; i += 5) {
        byte[] ad = AD.clone();
        ad[i / 8] ^= (byte) (1 << (i % 8));
        assertEquals(-1, aead.open(key, 9, sealed.clone(), off, n, ad), "flipped aad bit " + i);
      }
      assertEquals(-1, aead.open(key, 9, sealed.clone(), off, n, null), "missing aad");
      assertEquals(-1, aead.open(key, 10, sealed.clone(), off, n, AD), "wrong counter");
      byte[] other = new byte[32];
      assertEquals(-1, aead.open(new AeadKey(other), 9, sealed.clone(), off, n, AD), "wrong key");
      assertEquals(-1, aead.open(key, 9, sealed.clone(), off, 15, AD), "shorter than a tag");
      // After all those failures the same context still opens the genuine packet.
      assertEquals(SUNSCREEN.length, aead.open(key, 9, sealed, off, n, AD));
      assertArrayEquals(SUNSCREEN, Arrays.copyOfRange(sealed, off, off + SUNSCREEN.length));
    }
  }

  @ParameterizedTest
  @EnumSource(OpenSslChaChaPoly.Transfer.class)
  void agreesWithTheJdkCipherOnRandomSizesOffsetsKeysAndCounters(
      OpenSslChaChaPoly.Transfer transfer) {
    SplittableRandom rnd = new SplittableRandom(0x5eed);
    JdkChaChaPoly jdk = new JdkChaChaPoly();
    AeadKey[] keys = new AeadKey[3];
    for (int i = 0; i < keys.length; i++) {
      byte[] k = new byte[32];
      rnd.nextBytes(k);
      keys[i] = new AeadKey(k);
    }
    try (OpenSslChaChaPoly ossl = new OpenSslChaChaPoly(transfer)) {
      for (int iter = 0; iter < 600; iter++) {
        // Switching keys between calls exercises the key cache of both contexts.
        AeadKey key = keys[rnd.nextInt(keys.length)];
        int len = iter < 20 ? iter : rnd.nextInt(1501);
        int off = rnd.nextInt(40);
        long counter = rnd.nextLong();
        byte[] ad = rnd.nextInt(3) == 0 ? null : new byte[rnd.nextInt(33)];
        if (ad != null) {
          rnd.nextBytes(ad);
        }
        byte[] a = new byte[off + len + 16 + rnd.nextInt(8)];
        rnd.nextBytes(a);
        byte[] b = a.clone();
        byte[] plain = Arrays.copyOfRange(a, off, off + len);
        assertEquals(len + 16, ossl.seal(key, counter, a, off, len, ad));
        assertEquals(len + 16, jdk.seal(key, counter, b, off, len, ad));
        assertArrayEquals(b, a, "seal len " + len + " off " + off);
        assertEquals(len, ossl.open(key, counter, a, off, len + 16, ad));
        assertArrayEquals(plain, Arrays.copyOfRange(a, off, off + len));
        // And what OpenSSL seals, the JDK opens.
        ossl.seal(key, counter + 1, a, off, len, ad);
        assertEquals(len, jdk.open(key, counter + 1, a, off, len + 16, ad));
        assertArrayEquals(plain, Arrays.copyOfRange(a, off, off + len));
      }
    }
  }

  @Test
  void rejectsOutOfBoundsRangesAndUseAfterClose() {
    OpenSslChaChaPoly aead = new OpenSslChaChaPoly();
    AeadKey key = rfcKey();
    byte[] buf = new byte[64];
    assertThrows(IndexOutOfBoundsException.class, () -> aead.seal(key, 1, buf, 0, 49, null));
    assertThrows(IndexOutOfBoundsException.class, () -> aead.seal(key, 1, buf, -1, 4, null));
    assertThrows(IndexOutOfBoundsException.class, () -> aead.open(key, 1, buf, 60, 16, null));
    assertThrows(
        IllegalArgumentException.class, () -> aead.seal(key, new byte[8], buf, 0, 4, null));
    aead.close();
    aead.close();
    assertThrows(IllegalStateException.class, () -> aead.seal(key, 1, buf, 0, 4, null));
  }

  @Test
  void selfTestPassesForEveryImplementation() {
    try (OpenSslChaChaPoly aead = new OpenSslChaChaPoly()) {
      assertTrue(AeadChoice.selfTest(aead));
    }
    assertTrue(AeadChoice.selfTest(new JdkChaChaPoly()));
    assertTrue(AeadChoice.selfTest(new BcChaChaPoly()));
  }

  @Test
  void createPicksOpenSslUnlessForcedOtherwise() {
    String forced = System.getProperty(AeadChoice.PROPERTY);
    ChaChaPoly aead = ChaChaPoly.create();
    if (forced == null) {
      assertEquals(OpenSslChaChaPoly.class, aead.getClass());
    }
    assertTrue(AeadChoice.selfTest(aead));
  }

  @Order(1)
  @ParameterizedTest
  @EnumSource(OpenSslChaChaPoly.Transfer.class)
  void sealAndOpenAllocateAtMostASegmentViewOrTwoPerPacketAfterWarmUp(
      OpenSslChaChaPoly.Transfer transfer) {
    try (OpenSslChaChaPoly aead = new OpenSslChaChaPoly(transfer)) {
      AeadKey key = rfcKey();
      byte[] buf = new byte[16 + 1420 + 16];
      // Rounds of 10,000 until C2 has compiled the call path. The target is 0 B/op, reached when
      // C2's escape analysis removes the heap segment views; but the JIT outcome is bimodal (in
      // about one JVM in three HEAP_CRITICAL settles at 152 B/seal, 304 B/(seal+open): the views
      // are not scalar-replaced). For HEAP_CRITICAL the bound asserted is what holds in every run,
      // still 14x below the JDK cipher's ~2,200 B/op; NATIVE_COPY must reach < 1 B/op.
      double bestSeal = Double.MAX_VALUE;
      double bestPair = Double.MAX_VALUE;
      long deadline = System.nanoTime() + 5_000_000_000L;
      while ((bestSeal >= 1 || bestPair >= 1) && System.nanoTime() < deadline) {
        bestSeal = Math.min(bestSeal, bytesPerOp(() -> sealRound(aead, key, buf)));
        bestPair = Math.min(bestPair, bytesPerOp(() -> sealOpenRound(aead, key, buf)));
      }
      String msg = transfer + ": " + bestSeal + " B/seal, " + bestPair + " B/(seal+open)";
      System.out.println("allocation after warm-up, " + msg);
      if (transfer == OpenSslChaChaPoly.Transfer.NATIVE_COPY) {
        // What ChaChaPoly.create() uses: no segment views at all, so nothing to allocate.
        assertTrue(bestSeal < 1, msg);
        assertTrue(bestPair < 1, msg);
      } else {
        assertTrue(bestSeal <= 160, msg);
        assertTrue(bestPair <= 320, msg);
      }
    }
  }

  private static final int OPS = 10_000;

  private static double bytesPerOp(Runnable round) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().threadId();
    long before = threads.getThreadAllocatedBytes(tid);
    round.run();
    return (double) (threads.getThreadAllocatedBytes(tid) - before) / OPS;
  }

  private static void sealRound(OpenSslChaChaPoly aead, AeadKey key, byte[] buf) {
    int bad = 0;
    for (int i = 0; i < OPS; i++) {
      bad += aead.seal(key, i, buf, 16, 1420, null) == 1436 ? 0 : 1;
    }
    assertEquals(0, bad);
  }

  private static void sealOpenRound(OpenSslChaChaPoly aead, AeadKey key, byte[] buf) {
    int bad = 0;
    for (int i = 0; i < OPS; i++) {
      int n = aead.seal(key, i, buf, 16, 1420, null);
      bad += aead.open(key, i, buf, 16, n, null) == 1420 ? 0 : 1;
    }
    assertEquals(0, bad);
  }
}
