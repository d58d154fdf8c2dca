package dev.trellis.proto.channel;

import dev.trellis.proto.key.MachinePrivateKey;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * The Noise DH function (X25519, RFC 7748) with the JDK's "X25519" key agreement. An all-zero
 * result (a low-order public key) is refused, so a peer cannot force a known shared secret.
 *
 * <p>Thread-safety: stateless.
 */
final class Curve25519 {
  static final int KEY_LEN = 32;

  private Curve25519() {}

  /** X25519(privateKey, publicKey); throws HANDSHAKE_FAILED for a low-order or bad key. */
  static byte[] dh(MachinePrivateKey privateKey, byte[] publicKey) throws ChannelException {
    byte[] scalar = privateKey.toBytes();
    try {
      KeyFactory factory = KeyFactory.getInstance("X25519");
      var priv = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
      var pub =
          factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, u(publicKey)));
      KeyAgreement agreement = KeyAgreement.getInstance("X25519");
      agreement.init(priv);
      agreement.doPhase(pub, true);
      byte[] shared = agreement.generateSecret();
      if (shared.length != KEY_LEN || isZero(shared)) {
        throw new ChannelException(
            ChannelException.Reason.HANDSHAKE_FAILED, "the peer's public key has low order");
      }
      return shared;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new ChannelException(
          ChannelException.Reason.HANDSHAKE_FAILED,
          "X25519 with the peer's public key failed: " + e.getMessage(),
          e);
    } finally {
      Arrays.fill(scalar, (byte) 0);
    }
  }

  /** The u-coordinate of a 32-byte little-endian public key, top bit masked (RFC 7748 §5). */
  private static BigInteger u(byte[] publicKey) {
    byte[] be = new byte[KEY_LEN];
    for (int i = 0; i < KEY_LEN; i++) {
      be[i] = publicKey[KEY_LEN - 1 - i];
    }
    be[0] &= 0x7f;
    return new BigInteger(1, be);
  }

  private static boolean isZero(byte[] b) {
    int acc = 0;
    for (byte x : b) {
      acc |= x;
    }
    return acc == 0;
  }
}
