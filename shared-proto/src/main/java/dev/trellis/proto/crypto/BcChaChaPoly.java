package dev.trellis.proto.crypto;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * {@link ChaChaPoly} on BouncyCastle's low-level {@link ChaCha20Poly1305} mode, reused across
 * packets.
 *
 * <p>Thread-safety: not thread-safe; one instance per thread.
 */
public final class BcChaChaPoly implements ChaChaPoly {
  private final ChaCha20Poly1305 aead = new ChaCha20Poly1305();
  private final byte[] nonce = new byte[12];

  @Override
  public int seal(AeadKey key, long counter, byte[] buf, int off, int len, byte[] ad) {
    return seal(key, ChaChaPoly.counterNonce(counter, nonce), buf, off, len, ad);
  }

  @Override
  public int open(AeadKey key, long counter, byte[] buf, int off, int len, byte[] ad) {
    return open(key, ChaChaPoly.counterNonce(counter, nonce), buf, off, len, ad);
  }

  @Override
  public int seal(AeadKey key, byte[] nonce12, byte[] buf, int off, int len, byte[] ad) {
    aead.init(true, new ParametersWithIV(key.bc, nonce12));
    if (ad != null && ad.length > 0) {
      aead.processAADBytes(ad, 0, ad.length);
    }
    int n = aead.processBytes(buf, off, len, buf, off);
    try {
      return n + aead.doFinal(buf, off + n);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
    }
  }

  @Override
  public int open(AeadKey key, byte[] nonce12, byte[] buf, int off, int len, byte[] ad) {
    if (len < TAG_LENGTH) {
      return -1;
    }
    aead.init(false, new ParametersWithIV(key.bc, nonce12));
    if (ad != null && ad.length > 0) {
      aead.processAADBytes(ad, 0, ad.length);
    }
    int n = aead.processBytes(buf, off, len, buf, off);
    try {
      return n + aead.doFinal(buf, off + n);
    } catch (InvalidCipherTextException | IllegalStateException e) {
      return -1;
    }
  }
}
