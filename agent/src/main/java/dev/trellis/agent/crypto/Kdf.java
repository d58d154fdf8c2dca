package dev.trellis.agent.crypto;

/**
 * The WireGuard key derivation function (HKDF over HMAC-BLAKE2s): {@code KDF_n(key, input)} returns
 * {@code n} 32-byte values, {@code t0 = HMAC(key, input)}, {@code t1 = HMAC(t0, 0x1)}, {@code t_i =
 * HMAC(t0, t_{i-1} || i)}.
 *
 * <p>Thread-safety: stateless.
 */
public final class Kdf {
  private Kdf() {}

  /** {@code KDF_n(key, input)} for n in 1..3. */
  public static byte[][] derive(int n, byte[] key, byte[] input) {
    if (n < 1 || n > 3) {
      throw new IllegalArgumentException("KDF outputs 1 to 3 values, not " + n);
    }
    byte[] t0 = Blake2s.hmac(key, input);
    byte[][] out = new byte[n][];
    byte[] prev = new byte[0];
    for (int i = 0; i < n; i++) {
      prev = Blake2s.hmac(t0, prev, new byte[] {(byte) (i + 1)});
      out[i] = prev;
    }
    java.util.Arrays.fill(t0, (byte) 0);
    return out;
  }

  /** {@code KDF1}. */
  public static byte[] kdf1(byte[] key, byte[] input) {
    return derive(1, key, input)[0];
  }

  /** {@code KDF2}. */
  public static byte[][] kdf2(byte[] key, byte[] input) {
    return derive(2, key, input);
  }

  /** {@code KDF3}. */
  public static byte[][] kdf3(byte[] key, byte[] input) {
    return derive(3, key, input);
  }
}
