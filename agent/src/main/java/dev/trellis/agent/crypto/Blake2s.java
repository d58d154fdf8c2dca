package dev.trellis.agent.crypto;

import org.bouncycastle.crypto.digests.Blake2sDigest;

/**
 * BLAKE2s (RFC 7693) as WireGuard uses it: {@code HASH} (unkeyed, 32 bytes), {@code MAC} (keyed, 16
 * bytes) and {@code HMAC} (HMAC over BLAKE2s-256, RFC 2104 with a 64-byte block).
 *
 * <p>These run on the handshake path only, so they favour clarity over zero allocation.
 *
 * <p>Thread-safety: stateless; every call uses its own digest.
 */
public final class Blake2s {
  /** Output length of {@link #hash}. */
  public static final int HASH_LENGTH = 32;

  /** Output length of {@link #mac}. */
  public static final int MAC_LENGTH = 16;

  private static final int BLOCK = 64;

  private Blake2s() {}

  /** {@code HASH(parts[0] || parts[1] || ...)}, 32 bytes. */
  public static byte[] hash(byte[]... parts) {
    Blake2sDigest d = new Blake2sDigest(256);
    for (byte[] p : parts) {
      d.update(p, 0, p.length);
    }
    byte[] out = new byte[HASH_LENGTH];
    d.doFinal(out, 0);
    return out;
  }

  /** Keyed BLAKE2s of {@code data[off, off+len)} with {@code outLength} bytes of output. */
  public static byte[] keyed(byte[] key, int outLength, byte[] data, int off, int len) {
    Blake2sDigest d = new Blake2sDigest(key, outLength, null, null);
    d.update(data, off, len);
    byte[] out = new byte[outLength];
    d.doFinal(out, 0);
    return out;
  }

  /** WireGuard's {@code MAC(key, data[off, off+len))}: keyed BLAKE2s with 16 bytes of output. */
  public static byte[] mac(byte[] key, byte[] data, int off, int len) {
    return keyed(key, MAC_LENGTH, data, off, len);
  }

  /** {@code HMAC-BLAKE2s(key, parts...)}, 32 bytes. */
  public static byte[] hmac(byte[] key, byte[]... parts) {
    byte[] k = new byte[BLOCK];
    if (key.length > BLOCK) {
      System.arraycopy(hash(key), 0, k, 0, HASH_LENGTH);
    } else {
      System.arraycopy(key, 0, k, 0, key.length);
    }
    byte[] pad = new byte[BLOCK];
    for (int i = 0; i < BLOCK; i++) {
      pad[i] = (byte) (k[i] ^ 0x36);
    }
    Blake2sDigest inner = new Blake2sDigest(256);
    inner.update(pad, 0, BLOCK);
    for (byte[] p : parts) {
      inner.update(p, 0, p.length);
    }
    byte[] innerHash = new byte[HASH_LENGTH];
    inner.doFinal(innerHash, 0);
    for (int i = 0; i < BLOCK; i++) {
      pad[i] = (byte) (k[i] ^ 0x5c);
    }
    Blake2sDigest outer = new Blake2sDigest(256);
    outer.update(pad, 0, BLOCK);
    outer.update(innerHash, 0, HASH_LENGTH);
    byte[] out = new byte[HASH_LENGTH];
    outer.doFinal(out, 0);
    java.util.Arrays.fill(k, (byte) 0);
    java.util.Arrays.fill(pad, (byte) 0);
    return out;
  }
}
