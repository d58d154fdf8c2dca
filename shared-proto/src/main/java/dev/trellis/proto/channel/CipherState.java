package dev.trellis.proto.channel;

import dev.trellis.proto.crypto.AeadKey;
import dev.trellis.proto.crypto.ChaChaPoly;
import dev.trellis.proto.crypto.JdkChaChaPoly;
import java.util.Arrays;

/**
 * Noise's CipherState (spec §5.1) for ChaChaPoly: a 32-byte key and a 64-bit counter used as the
 * nonce (4 zero bytes, then the counter little-endian, which is WireGuard's layout too). The
 * counter value 2^64-1 is reserved, so the state refuses to go past 2^64-2 rather than wrap. A
 * failed decryption leaves the counter unchanged.
 *
 * <p>The cipher is the process's {@link ChaChaPoly} (OpenSSL's through FFM where it loads, else the
 * JDK's), one instance per platform thread: a coordinator seals a record for each of thousands of
 * devices per change, and the JDK's cipher spent more on its per-record {@code init} than on the
 * bytes. Virtual threads (short-lived, possibly many) get a JDK instance per record instead.
 *
 * <p>Thread-safety: not thread-safe; each direction of a channel owns one and serializes its use.
 */
final class CipherState {
  static final int TAG_LEN = ChaChaPoly.TAG_LENGTH;
  private static final long LAST_NONCE = -2L; // 2^64-2 unsigned; 2^64-1 is reserved
  private static final byte[] NO_AD = new byte[0];
  private static final ThreadLocal<ChaChaPoly> PER_THREAD =
      ThreadLocal.withInitial(ChaChaPoly::create);

  private final AeadKey key;
  private long nonce;

  CipherState(byte[] key) {
    this(key, 0);
  }

  CipherState(byte[] key, long firstNonce) {
    if (key.length != 32) {
      throw new IllegalArgumentException("a ChaChaPoly key must be 32 bytes");
    }
    this.key = new AeadKey(key);
    this.nonce = firstNonce;
  }

  /** The nonce the next encryption or decryption will use (unsigned). */
  long nonce() {
    return nonce;
  }

  byte[] encrypt(byte[] ad, byte[] plaintext) throws ChannelException {
    checkNonce();
    byte[] out = Arrays.copyOf(plaintext, plaintext.length + TAG_LEN);
    aead().seal(key, nonce, out, 0, plaintext.length, ad);
    nonce++;
    return out;
  }

  /**
   * Encrypts the concatenation of {@code parts} (no associated data) into one new array, without
   * first copying the parts together.
   */
  byte[] encryptParts(byte[]... parts) throws ChannelException {
    checkNonce();
    int length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    byte[] out = new byte[length + TAG_LEN];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    aead().seal(key, nonce, out, 0, length, NO_AD);
    nonce++;
    return out;
  }

  byte[] decrypt(byte[] ad, byte[] ciphertext) throws ChannelException {
    checkNonce();
    if (ciphertext.length < TAG_LEN) {
      throw new ChannelException(
          ChannelException.Reason.DECRYPT_FAILED,
          "a sealed message of " + ciphertext.length + " bytes is shorter than its 16-byte tag");
    }
    byte[] buf = ciphertext.clone();
    int n = aead().open(key, nonce, buf, 0, buf.length, ad);
    if (n < 0) {
      throw new ChannelException(
          ChannelException.Reason.DECRYPT_FAILED,
          "a sealed message did not authenticate (tampered, replayed, reordered or truncated)");
    }
    nonce++;
    return Arrays.copyOf(buf, n);
  }

  private static ChaChaPoly aead() {
    return Thread.currentThread().isVirtual() ? new JdkChaChaPoly() : PER_THREAD.get();
  }

  private void checkNonce() throws ChannelException {
    if (Long.compareUnsigned(nonce, LAST_NONCE) > 0) {
      throw new ChannelException(
          ChannelException.Reason.COUNTER_EXHAUSTED,
          "the message counter is exhausted; the channel must be re-established");
    }
  }
}
