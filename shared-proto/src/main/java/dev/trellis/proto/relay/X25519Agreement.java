package dev.trellis.proto.relay;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * X25519 (RFC 7748) with the JDK's key agreement, for the node-key proof. An all-zero result (a
 * low-order public key) is refused, so nobody can force a known shared secret.
 *
 * <p>Thread-safety: stateless.
 */
final class X25519Agreement {
  private static final BigInteger BASE_POINT = BigInteger.valueOf(9);

  private X25519Agreement() {}

  /** X25519(scalar, publicKey); empty if the public key has low order or is unusable. */
  static byte[] dh(byte[] scalar, byte[] publicKey) {
    byte[] shared = agree(scalar, u(publicKey));
    if (shared == null || shared.length != Frames.KEY_BYTES) {
      return null;
    }
    int acc = 0;
    for (byte b : shared) {
      acc |= b;
    }
    return acc == 0 ? null : shared;
  }

  static byte[] publicKey(byte[] scalar) {
    byte[] out = agree(scalar, BASE_POINT);
    if (out == null) {
      throw new IllegalStateException("the JDK's X25519 is unavailable");
    }
    return out;
  }

  private static byte[] agree(byte[] scalar, BigInteger u) {
    try {
      KeyFactory factory = KeyFactory.getInstance("X25519");
      var priv = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
      var pub = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, u));
      KeyAgreement agreement = KeyAgreement.getInstance("X25519");
      agreement.init(priv);
      agreement.doPhase(pub, true);
      return agreement.generateSecret();
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  /** The u-coordinate of a 32-byte little-endian public key, top bit masked (RFC 7748 §5). */
  private static BigInteger u(byte[] publicKey) {
    byte[] be = new byte[Frames.KEY_BYTES];
    for (int i = 0; i < Frames.KEY_BYTES; i++) {
      be[i] = publicKey[Frames.KEY_BYTES - 1 - i];
    }
    be[0] &= 0x7f;
    return new BigInteger(1, be);
  }
}
