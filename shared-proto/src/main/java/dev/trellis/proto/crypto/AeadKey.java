package dev.trellis.proto.crypto;

import java.util.Arrays;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * A 32-byte ChaCha20-Poly1305 key with the provider objects built once, so that per-packet
 * encryption does not rebuild them. Secret: redacted {@code toString}; {@link #destroy()} zeroes
 * the bytes this object holds.
 *
 * <p>Thread-safety: immutable until {@link #destroy()}; may be shared by crypto workers.
 */
public final class AeadKey {
  final byte[] raw;
  final SecretKeySpec jdk;
  final KeyParameter bc;

  /** A key from 32 bytes (copied). */
  public AeadKey(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException("a ChaCha20-Poly1305 key is 32 bytes, not " + key.length);
    }
    this.raw = key.clone();
    this.jdk = new SecretKeySpec(raw, "ChaCha20");
    this.bc = new KeyParameter(raw);
  }

  /** Zeroes the key bytes (the JDK key spec keeps its own copy, which is dropped with it). */
  public void destroy() {
    Arrays.fill(raw, (byte) 0);
    Arrays.fill(bc.getKey(), (byte) 0);
  }

  @Override
  public String toString() {
    return "AeadKey<redacted>";
  }
}
