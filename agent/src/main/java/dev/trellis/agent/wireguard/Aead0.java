package dev.trellis.agent.wireguard;

import dev.trellis.proto.crypto.AeadKey;
import dev.trellis.proto.crypto.ChaChaPoly;
import dev.trellis.proto.crypto.JdkChaChaPoly;

/**
 * The handshake's {@code AEAD(key, 0, plaintext, hash)}: ChaCha20-Poly1305 with a zero counter and
 * the running hash as associated data. Handshake path only, so it allocates.
 *
 * <p>Thread-safety: stateless.
 */
final class Aead0 {
  private Aead0() {}

  static byte[] seal(byte[] key, byte[] plaintext, byte[] ad) {
    byte[] buf = java.util.Arrays.copyOf(plaintext, plaintext.length + ChaChaPoly.TAG_LENGTH);
    new JdkChaChaPoly().seal(new AeadKey(key), 0, buf, 0, plaintext.length, ad);
    return buf;
  }

  static byte[] open(byte[] key, byte[] ciphertext, byte[] ad) {
    byte[] buf = ciphertext.clone();
    int n = new JdkChaChaPoly().open(new AeadKey(key), 0, buf, 0, buf.length, ad);
    return n < 0 ? null : java.util.Arrays.copyOf(buf, n);
  }
}
