package dev.trellis.proto.crypto;

import java.security.SecureRandom;

/**
 * X25519 Diffie-Hellman (RFC 7748) on BouncyCastle's constant-time implementation, which measured
 * faster here than the JDK's XDH (see {@code load/.../CryptoBench}); it is the one X25519 of every
 * Trellis protocol. Keys and shared secrets are 32 bytes, little-endian as on the wire. An all-zero
 * shared secret (the peer sent a low-order point) is refused, so nobody can force a known secret.
 *
 * <p>Thread-safety: stateless; the {@link SecureRandom} is thread-safe.
 */
public final class X25519 {
  /** Key and shared-secret length. */
  public static final int LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private X25519() {}

  /** Clamps a 32-byte scalar in place (RFC 7748 §5) and returns it. */
  public static byte[] clamp(byte[] scalar) {
    check(scalar, "private key");
    scalar[0] &= (byte) 248;
    scalar[31] &= 127;
    scalar[31] |= 64;
    return scalar;
  }

  /** A fresh random clamped private scalar. */
  public static byte[] generatePrivate() {
    byte[] k = new byte[LENGTH];
    RANDOM.nextBytes(k);
    return clamp(k);
  }

  /** The public key of a private scalar: {@code X25519(privateKey, 9)}. */
  public static byte[] publicKey(byte[] privateKey) {
    check(privateKey, "private key");
    byte[] pub = new byte[LENGTH];
    org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(privateKey, 0, pub, 0);
    return pub;
  }

  /**
   * {@code X25519(privateKey, publicKey)}; {@code null} if the result is all zeros (a low-order
   * peer point), which callers must treat as a failed handshake. The top bit of the public key is
   * ignored, as RFC 7748 says.
   */
  public static byte[] sharedSecret(byte[] privateKey, byte[] publicKey) {
    check(privateKey, "private key");
    check(publicKey, "public key");
    byte[] out = new byte[LENGTH];
    boolean ok =
        org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(
            privateKey, 0, publicKey, 0, out, 0);
    return ok ? out : null;
  }

  private static void check(byte[] key, String what) {
    if (key == null || key.length != LENGTH) {
      throw new IllegalArgumentException(
          "an X25519 "
              + what
              + " is "
              + LENGTH
              + " bytes, got "
              + (key == null ? "none" : key.length));
    }
  }
}
