package dev.trellis.proto.channel;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Noise's HKDF (spec §4.3) over HMAC-SHA256: {@code temp = HMAC(ck, ikm); out1 = HMAC(temp, 0x01);
 * out2 = HMAC(temp, out1 || 0x02)}. This is RFC 5869 HKDF with salt = chaining key and empty info,
 * which the test checks against RFC 5869's vector.
 *
 * <p>Thread-safety: stateless.
 */
final class Hkdf {
  static final int HASH_LEN = 32;

  private Hkdf() {}

  /** The two 32-byte outputs of HKDF(chainingKey, ikm). */
  static byte[][] derive2(byte[] chainingKey, byte[] ikm) {
    byte[] temp = hmac(chainingKey, ikm);
    byte[] out1 = hmac(temp, new byte[] {1});
    byte[] in2 = new byte[HASH_LEN + 1];
    System.arraycopy(out1, 0, in2, 0, HASH_LEN);
    in2[HASH_LEN] = 2;
    byte[] out2 = hmac(temp, in2);
    java.util.Arrays.fill(temp, (byte) 0);
    return new byte[][] {out1, out2};
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's HmacSHA256 is unavailable", e);
    }
  }
}
