package dev.trellis.proto.channel;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Noise's CipherState (spec §5.1) for ChaChaPoly: a 32-byte key and a 64-bit counter used as the
 * nonce (4 zero bytes, then the counter little-endian). The counter value 2^64-1 is reserved, so
 * the state refuses to go past 2^64-2 rather than wrap. A failed decryption leaves the counter
 * unchanged.
 *
 * <p>Thread-safety: not thread-safe; each direction of a channel owns one and serializes its use.
 */
final class CipherState {
  static final int TAG_LEN = 16;
  private static final long LAST_NONCE = -2L; // 2^64-2 unsigned; 2^64-1 is reserved

  private final SecretKeySpec key;
  private final Cipher cipher;
  private long nonce;

  CipherState(byte[] key) {
    this(key, 0);
  }

  CipherState(byte[] key, long firstNonce) {
    if (key.length != 32) {
      throw new IllegalArgumentException("a ChaChaPoly key must be 32 bytes");
    }
    this.key = new SecretKeySpec(key, "ChaCha20");
    this.nonce = firstNonce;
    try {
      this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's ChaCha20-Poly1305 is unavailable", e);
    }
  }

  /** The nonce the next encryption or decryption will use (unsigned). */
  long nonce() {
    return nonce;
  }

  byte[] encrypt(byte[] ad, byte[] plaintext) throws ChannelException {
    checkNonce();
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonceBytes(nonce)));
      if (ad.length > 0) {
        cipher.updateAAD(ad);
      }
      byte[] out = cipher.doFinal(plaintext);
      nonce++;
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
    }
  }

  byte[] decrypt(byte[] ad, byte[] ciphertext) throws ChannelException {
    checkNonce();
    if (ciphertext.length < TAG_LEN) {
      throw new ChannelException(
          ChannelException.Reason.DECRYPT_FAILED,
          "a sealed message of " + ciphertext.length + " bytes is shorter than its 16-byte tag");
    }
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(nonceBytes(nonce)));
      if (ad.length > 0) {
        cipher.updateAAD(ad);
      }
      byte[] out = cipher.doFinal(ciphertext);
      nonce++;
      return out;
    } catch (AEADBadTagException e) {
      throw new ChannelException(
          ChannelException.Reason.DECRYPT_FAILED,
          "a sealed message did not authenticate (tampered, replayed, reordered or truncated)");
    } catch (GeneralSecurityException e) {
      throw new ChannelException(
          ChannelException.Reason.DECRYPT_FAILED, "ChaCha20-Poly1305 decryption failed", e);
    }
  }

  private void checkNonce() throws ChannelException {
    if (Long.compareUnsigned(nonce, LAST_NONCE) > 0) {
      throw new ChannelException(
          ChannelException.Reason.COUNTER_EXHAUSTED,
          "the message counter is exhausted; the channel must be re-established");
    }
  }

  private static byte[] nonceBytes(long n) {
    byte[] iv = new byte[12];
    for (int i = 0; i < 8; i++) {
      iv[4 + i] = (byte) (n >>> (8 * i));
    }
    return iv;
  }
}
