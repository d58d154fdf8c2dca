package dev.trellis.agent.wireguard;

import dev.trellis.agent.crypto.Blake2s;
import dev.trellis.proto.crypto.X25519;
import dev.trellis.proto.key.NodePrivateKey;
import java.util.Arrays;

/**
 * This device's static key pair with the values derived from it once: the MAC1 key and the cookie
 * encryption key peers use towards us.
 *
 * <p>Thread-safety: immutable until {@link #destroy()}.
 */
public final class LocalIdentity {
  final byte[] privateKey;
  final byte[] publicKey;
  final byte[] mac1Key;
  final byte[] cookieKey;

  /** The identity of {@code key}. */
  public LocalIdentity(NodePrivateKey key) {
    this.privateKey = key.toBytes();
    this.publicKey = X25519.publicKey(privateKey);
    this.mac1Key = Blake2s.hash(Spec.LABEL_MAC1, publicKey);
    this.cookieKey = Blake2s.hash(Spec.LABEL_COOKIE, publicKey);
  }

  /** A copy of the static public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** Zeroes the private key. */
  public void destroy() {
    Arrays.fill(privateKey, (byte) 0);
  }

  @Override
  public String toString() {
    return "LocalIdentity<redacted>";
  }
}
