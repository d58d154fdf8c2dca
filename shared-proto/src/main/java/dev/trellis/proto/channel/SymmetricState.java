package dev.trellis.proto.channel;

import dev.trellis.proto.crypto.Hkdf;
import dev.trellis.proto.crypto.X25519;
import dev.trellis.proto.key.MachinePrivateKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Noise's SymmetricState (spec §5.2) for SHA-256: the chaining key {@code ck}, the handshake hash
 * {@code h} and the current handshake CipherState (none until the first MixKey).
 *
 * <p>Thread-safety: not thread-safe; owned by one handshake.
 */
final class SymmetricState {
  private byte[] ck;
  private byte[] h;
  private CipherState cipher;

  /** InitializeSymmetric(protocolName) followed by MixHash(prologue). */
  SymmetricState(String protocolName, byte[] prologue) {
    byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
    if (name.length <= Hkdf.HASH_LEN) {
      h = Arrays.copyOf(name, Hkdf.HASH_LEN);
    } else {
      h = sha256(name);
    }
    ck = h.clone();
    mixHash(prologue);
  }

  void mixHash(byte[] data) {
    h = sha256(h, data);
  }

  void mixKey(byte[] ikm) {
    byte[][] out = hkdf2(ck, ikm);
    Arrays.fill(ck, (byte) 0);
    ck = out[0];
    cipher = new CipherState(out[1]);
    Arrays.fill(out[1], (byte) 0);
  }

  /**
   * MixKey(DH(privateKey, publicKey)); throws HANDSHAKE_FAILED for a low-order or malformed public
   * key, so a peer cannot force a known shared secret.
   */
  void mixDh(MachinePrivateKey privateKey, byte[] publicKey) throws ChannelException {
    byte[] scalar = privateKey.toBytes();
    byte[] shared;
    try {
      shared = X25519.sharedSecret(scalar, publicKey);
    } catch (IllegalArgumentException e) {
      throw new ChannelException(
          ChannelException.Reason.HANDSHAKE_FAILED,
          "X25519 with the peer's public key failed: " + e.getMessage(),
          e);
    } finally {
      Arrays.fill(scalar, (byte) 0);
    }
    if (shared == null) {
      throw new ChannelException(
          ChannelException.Reason.HANDSHAKE_FAILED, "the peer's public key has low order");
    }
    mixKey(shared);
    Arrays.fill(shared, (byte) 0);
  }

  byte[] encryptAndHash(byte[] plaintext) throws ChannelException {
    byte[] out = cipher == null ? plaintext.clone() : cipher.encrypt(h, plaintext);
    mixHash(out);
    return out;
  }

  byte[] decryptAndHash(byte[] ciphertext) throws ChannelException {
    byte[] out;
    if (cipher == null) {
      out = ciphertext.clone();
    } else {
      try {
        out = cipher.decrypt(h, ciphertext);
      } catch (ChannelException e) {
        throw new ChannelException(
            ChannelException.Reason.HANDSHAKE_FAILED,
            "a handshake message did not authenticate (wrong keys or tampered)",
            e);
      }
    }
    mixHash(ciphertext);
    return out;
  }

  /** The handshake hash so far (a copy). */
  byte[] handshakeHash() {
    return h.clone();
  }

  /** Split(): the two transport keys (initiator-to-responder first); wipes the chaining key. */
  byte[][] split() {
    byte[][] keys = hkdf2(ck, new byte[0]);
    Arrays.fill(ck, (byte) 0);
    return keys;
  }

  /** Noise's HKDF(ck, ikm) with two outputs: RFC 5869 with salt = ck, no info, 64 bytes. */
  private static byte[][] hkdf2(byte[] chainingKey, byte[] ikm) {
    byte[] okm = Hkdf.derive(chainingKey, ikm, null, 2 * Hkdf.HASH_LEN);
    byte[][] out = {
      Arrays.copyOfRange(okm, 0, Hkdf.HASH_LEN), Arrays.copyOfRange(okm, Hkdf.HASH_LEN, okm.length)
    };
    Arrays.fill(okm, (byte) 0);
    return out;
  }

  static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        digest.update(p);
      }
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK's SHA-256 is unavailable", e);
    }
  }
}
