package dev.trellis.agent.crypto;

import dev.trellis.proto.crypto.AeadKey;
import dev.trellis.proto.crypto.ChaChaPoly;
import dev.trellis.proto.crypto.JdkChaChaPoly;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): HChaCha20 derives a subkey from the key and the
 * first 16 nonce bytes, then ChaCha20-Poly1305 runs with nonce {@code 0^4 || nonce[16..24)}.
 * WireGuard uses it for cookie replies only, so it allocates freely.
 *
 * <p>Thread-safety: stateless.
 */
public final class XChaChaPoly {
  /** Nonce length. */
  public static final int NONCE_LENGTH = 24;

  private XChaChaPoly() {}

  /** Encrypts {@code plaintext}, returning ciphertext and tag. */
  public static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext, byte[] ad) {
    byte[] sub = hChaCha20(key, nonce);
    byte[] buf = new byte[plaintext.length + ChaChaPoly.TAG_LENGTH];
    System.arraycopy(plaintext, 0, buf, 0, plaintext.length);
    new JdkChaChaPoly().seal(new AeadKey(sub), counterOf(nonce), buf, 0, plaintext.length, ad);
    java.util.Arrays.fill(sub, (byte) 0);
    return buf;
  }

  /** Decrypts and authenticates; returns the plaintext or {@code null}. */
  public static byte[] open(byte[] key, byte[] nonce, byte[] ciphertext, byte[] ad) {
    if (ciphertext.length < ChaChaPoly.TAG_LENGTH) {
      return null;
    }
    byte[] sub = hChaCha20(key, nonce);
    byte[] buf = ciphertext.clone();
    int n = new JdkChaChaPoly().open(new AeadKey(sub), counterOf(nonce), buf, 0, buf.length, ad);
    java.util.Arrays.fill(sub, (byte) 0);
    return n < 0 ? null : java.util.Arrays.copyOf(buf, n);
  }

  /** The last 8 nonce bytes as the little-endian 64-bit part of the inner 12-byte nonce. */
  private static long counterOf(byte[] nonce) {
    long c = 0;
    for (int i = 0; i < 8; i++) {
      c |= (nonce[16 + i] & 0xffL) << (8 * i);
    }
    return c;
  }

  /** HChaCha20(key, nonce[0..16)) as in the XChaCha draft, section 2.2. */
  public static byte[] hChaCha20(byte[] key, byte[] nonce) {
    if (key.length != 32 || nonce.length < 16) {
      throw new IllegalArgumentException("HChaCha20 needs a 32-byte key and a 16-byte nonce");
    }
    int[] s = new int[16];
    s[0] = 0x61707865;
    s[1] = 0x3320646e;
    s[2] = 0x79622d32;
    s[3] = 0x6b206574;
    for (int i = 0; i < 8; i++) {
      s[4 + i] = le(key, 4 * i);
    }
    for (int i = 0; i < 4; i++) {
      s[12 + i] = le(nonce, 4 * i);
    }
    for (int r = 0; r < 10; r++) {
      quarter(s, 0, 4, 8, 12);
      quarter(s, 1, 5, 9, 13);
      quarter(s, 2, 6, 10, 14);
      quarter(s, 3, 7, 11, 15);
      quarter(s, 0, 5, 10, 15);
      quarter(s, 1, 6, 11, 12);
      quarter(s, 2, 7, 8, 13);
      quarter(s, 3, 4, 9, 14);
    }
    byte[] out = new byte[32];
    for (int i = 0; i < 4; i++) {
      putLe(out, 4 * i, s[i]);
      putLe(out, 16 + 4 * i, s[12 + i]);
    }
    java.util.Arrays.fill(s, 0);
    return out;
  }

  private static void quarter(int[] s, int a, int b, int c, int d) {
    s[a] += s[b];
    s[d] = Integer.rotateLeft(s[d] ^ s[a], 16);
    s[c] += s[d];
    s[b] = Integer.rotateLeft(s[b] ^ s[c], 12);
    s[a] += s[b];
    s[d] = Integer.rotateLeft(s[d] ^ s[a], 8);
    s[c] += s[d];
    s[b] = Integer.rotateLeft(s[b] ^ s[c], 7);
  }

  private static int le(byte[] b, int o) {
    return (b[o] & 0xff)
        | (b[o + 1] & 0xff) << 8
        | (b[o + 2] & 0xff) << 16
        | (b[o + 3] & 0xff) << 24;
  }

  private static void putLe(byte[] b, int o, int v) {
    b[o] = (byte) v;
    b[o + 1] = (byte) (v >>> 8);
    b[o + 2] = (byte) (v >>> 16);
    b[o + 3] = (byte) (v >>> 24);
  }
}
