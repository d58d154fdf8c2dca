package dev.trellis.proto.crypto;

/**
 * ChaCha20-Poly1305 (RFC 8439) with WireGuard's nonce (32 zero bits then the 64-bit counter,
 * little-endian), working in place on a buffer. An instance holds reusable cipher state, so each
 * thread keeps its own.
 *
 * <p>Thread-safety: not thread-safe; one instance per thread.
 */
public interface ChaChaPoly {
  /** Authentication tag length. */
  int TAG_LENGTH = 16;

  /**
   * Encrypts {@code buf[off, off+len)} in place and writes the tag after it.
   *
   * @return {@code len + 16}
   */
  int seal(AeadKey key, long counter, byte[] buf, int off, int len, byte[] ad);

  /**
   * Decrypts and authenticates {@code buf[off, off+len)} (ciphertext and tag) in place.
   *
   * @return the plaintext length, or -1 if authentication failed
   */
  int open(AeadKey key, long counter, byte[] buf, int off, int len, byte[] ad);

  /** As {@link #seal(AeadKey, long, byte[], int, int, byte[])} with an explicit 12-byte nonce. */
  int seal(AeadKey key, byte[] nonce12, byte[] buf, int off, int len, byte[] ad);

  /** As {@link #open(AeadKey, long, byte[], int, int, byte[])} with an explicit 12-byte nonce. */
  int open(AeadKey key, byte[] nonce12, byte[] buf, int off, int len, byte[] ad);

  /**
   * Writes WireGuard's nonce for {@code counter} into {@code nonce12} (its first 4 bytes stay zero)
   * and returns it: how the counter forms of seal and open become the nonce forms.
   */
  static byte[] counterNonce(long counter, byte[] nonce12) {
    for (int i = 0; i < 8; i++) {
      nonce12[4 + i] = (byte) (counter >>> (8 * i));
    }
    return nonce12;
  }

  /**
   * The implementation the data plane uses, chosen once per process: {@link OpenSslChaChaPoly}
   * copying through native memory (fastest, and 0 B per packet in {@code CryptoBench}) when
   * libcrypto loads and passes an RFC 8439 self-test, else {@link JdkChaChaPoly}. The system
   * property {@code trellis.crypto.aead=openssl|jdk|bc} forces one. Instances that hold native
   * state are freed by a cleaner when unreachable (or by {@link OpenSslChaChaPoly#close()}).
   *
   * @throws IllegalStateException if the forced implementation cannot be used
   */
  static ChaChaPoly create() {
    return AeadChoice.create();
  }
}
