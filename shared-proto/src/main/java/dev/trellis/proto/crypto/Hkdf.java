package dev.trellis.proto.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF-SHA256 (RFC 5869), the one HKDF of Trellis's protocols:
 *
 * <pre>
 *   PRK = HMAC-SHA256(salt, IKM)                       extract (no salt = 32 zero bytes)
 *   T(0) = ""; T(i) = HMAC-SHA256(PRK, T(i-1) | info | i)   expand, i = 1..ceil(L/32)
 *   OKM = the first L bytes of T(1) | T(2) | ...
 * </pre>
 *
 * Noise's {@code HKDF(ck, ikm)} (the control channel's KDF) is this with salt = chaining key, empty
 * info and L = 64.
 *
 * <p>Thread-safety: stateless.
 */
public final class Hkdf {
  /** The output length of SHA-256. */
  public static final int HASH_LEN = 32;

  private static final String HMAC = "HmacSHA256";

  private Hkdf() {}

  /** {@code extract} then {@code expand}: {@code length} bytes of output keying material. */
  public static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
    byte[] prk = extract(salt, ikm);
    try {
      return expand(prk, info, length);
    } finally {
      Arrays.fill(prk, (byte) 0);
    }
  }

  /** The pseudorandom key of {@code ikm}; an empty or null salt stands for 32 zero bytes. */
  public static byte[] extract(byte[] salt, byte[] ikm) {
    Mac mac = mac(salt == null || salt.length == 0 ? new byte[HASH_LEN] : salt);
    return mac.doFinal(ikm);
  }

  /** {@code length} bytes (at most 255 * 32) expanded from {@code prk} for {@code info}. */
  public static byte[] expand(byte[] prk, byte[] info, int length) {
    if (length < 0 || length > 255 * HASH_LEN) {
      throw new IllegalArgumentException("HKDF-SHA256 yields 0 to 8160 bytes, not " + length);
    }
    Mac mac = mac(prk);
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    for (int i = 1, at = 0; at < length; i++) {
      mac.update(t);
      if (info != null) {
        mac.update(info);
      }
      mac.update((byte) i);
      Arrays.fill(t, (byte) 0);
      t = mac.doFinal();
      int n = Math.min(HASH_LEN, length - at);
      System.arraycopy(t, 0, out, at, n);
      at += n;
    }
    Arrays.fill(t, (byte) 0);
    return out;
  }

  private static Mac mac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's HmacSHA256 is unavailable", e);
    }
  }
}
