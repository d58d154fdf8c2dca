package dev.trellis.agent.wireguard;

import dev.trellis.agent.crypto.Blake2s;
import dev.trellis.proto.crypto.X25519;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.key.PresharedKey;
import java.util.Arrays;

/**
 * A peer's static public key with what a handshake needs from it, computed once: the static-static
 * Diffie-Hellman result, the preshared key (zeros if none), and the MAC1 and cookie keys towards
 * the peer.
 *
 * <p>Thread-safety: immutable until {@link #destroy()}.
 */
public final class RemoteIdentity {
  final NodePublicKey key;
  final byte[] publicKey;
  final byte[] staticStatic;
  final byte[] presharedKey;
  final byte[] mac1Key;
  final byte[] cookieKey;

  /** Precomputes the handshake values between {@code local} and the peer {@code key}. */
  public RemoteIdentity(LocalIdentity local, NodePublicKey key, PresharedKey psk) {
    this.key = key;
    this.publicKey = key.toBytes();
    this.staticStatic = X25519.sharedSecret(local.privateKey, publicKey);
    this.presharedKey = psk == null ? new byte[32] : psk.toBytes();
    this.mac1Key = Blake2s.hash(Spec.LABEL_MAC1, publicKey);
    this.cookieKey = Blake2s.hash(Spec.LABEL_COOKIE, publicKey);
  }

  /** The peer's public key. */
  public NodePublicKey key() {
    return key;
  }

  /** Whether the static-static DH was valid (the peer key is not a low-order point). */
  public boolean usable() {
    return staticStatic != null;
  }

  /** Zeroes the secrets. */
  public void destroy() {
    if (staticStatic != null) {
      Arrays.fill(staticStatic, (byte) 0);
    }
    Arrays.fill(presharedKey, (byte) 0);
  }

  @Override
  public String toString() {
    return "RemoteIdentity[" + key + "]";
  }
}
