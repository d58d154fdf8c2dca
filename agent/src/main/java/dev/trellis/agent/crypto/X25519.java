package dev.trellis.agent.crypto;

import java.security.SecureRandom;

/**
 * X25519 Diffie-Hellman (RFC 7748) for handshakes, on BouncyCastle's constant-time implementation
 * (measured faster than the JDK's XDH here: see {@code CryptoBench}). An all-zero shared secret (a
 * low-order peer point) is rejected.
 *
 * <p>Thread-safety: stateless; the {@link SecureRandom} is thread-safe.
 */
public final class X25519 {
  /** Key and shared-secret length. */
  public static final int LENGTH = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private X25519() {}

  /** A fresh clamped private scalar. */
  public static byte[] generatePrivate() {
    byte[] k = new byte[LENGTH];
    RANDOM.nextBytes(k);
    k[0] &= (byte) 248;
    k[31] &= 127;
    k[31] |= 64;
    return k;
  }

  /** The public key of a private scalar. */
  public static byte[] publicKey(byte[] privateKey) {
    byte[] pub = new byte[LENGTH];
    org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(privateKey, 0, pub, 0);
    return pub;
  }

  /**
   * {@code DH(private, public)}; returns {@code null} if the result is all zeros (the peer sent a
   * low-order point), which callers must treat as a failed handshake.
   */
  public static byte[] sharedSecret(byte[] privateKey, byte[] publicKey) {
    byte[] out = new byte[LENGTH];
    boolean ok =
        org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(
            privateKey, 0, publicKey, 0, out, 0);
    return ok ? out : null;
  }
}
