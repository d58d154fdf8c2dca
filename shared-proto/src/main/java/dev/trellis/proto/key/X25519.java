package dev.trellis.proto.key;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * Curve25519 key generation and public-key derivation with the JDK's XDH provider, so that key
 * types work without any crypto library. The data plane has its own faster X25519 for handshakes.
 *
 * <p>Thread-safety: stateless; the {@link SecureRandom} is thread-safe.
 */
final class X25519 {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final BigInteger BASE_POINT = BigInteger.valueOf(9);

  private X25519() {}

  static byte[] clamp(byte[] scalar) {
    scalar[0] &= (byte) 248;
    scalar[31] &= 127;
    scalar[31] |= 64;
    return scalar;
  }

  static byte[] generatePrivate() {
    byte[] raw = new byte[KeyBytes.LENGTH];
    RANDOM.nextBytes(raw);
    return clamp(raw);
  }

  static byte[] publicFromPrivate(byte[] privateKey) {
    try {
      KeyFactory factory = KeyFactory.getInstance("XDH");
      var priv =
          factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey));
      var base =
          factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, BASE_POINT));
      KeyAgreement agreement = KeyAgreement.getInstance("XDH");
      agreement.init(priv);
      agreement.doPhase(base, true);
      byte[] out = agreement.generateSecret();
      if (out.length != KeyBytes.LENGTH) {
        throw new IllegalStateException("X25519 produced " + out.length + " bytes");
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's X25519 is unavailable", e);
    }
  }
}
