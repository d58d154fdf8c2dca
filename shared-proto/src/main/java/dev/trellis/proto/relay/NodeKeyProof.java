package dev.trellis.proto.relay;

import dev.trellis.proto.crypto.Hkdf;
import dev.trellis.proto.crypto.X25519;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.key.RelayPrivateKey;
import dev.trellis.proto.key.RelayPublicKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The node-key proof of the relay handshake. The relay sends a random 32-byte challenge and its
 * X25519 public key; the device answers with
 *
 * <pre>
 *   dh    = X25519(node private, relay public)
 *   key   = HKDF-SHA256(salt = "trellis-relay-v1 proof", ikm = dh, info = "node-key", L = 32)
 *   proof = HMAC-SHA256(key, challenge | node public | relay public)
 * </pre>
 *
 * and the relay recomputes it with X25519(relay private, node public), comparing in constant time.
 * Only the holder of the node private key can compute {@code dh}; the fresh challenge prevents
 * replay, and both keys in the MAC bind the proof to this relay and this node key.
 *
 * <p>Thread-safety: stateless.
 */
public final class NodeKeyProof {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] SALT = "trellis-relay-v1 proof".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] INFO = "node-key".getBytes(StandardCharsets.US_ASCII);

  private NodeKeyProof() {}

  /** A fresh random challenge. */
  public static byte[] newChallenge() {
    byte[] challenge = new byte[Frames.CHALLENGE_BYTES];
    RANDOM.nextBytes(challenge);
    return challenge;
  }

  /** The device's proof for {@code challenge} from {@code relay}. */
  public static byte[] prove(NodePrivateKey node, RelayPublicKey relay, byte[] challenge) {
    byte[] scalar = node.toBytes();
    try {
      byte[] dh = X25519.sharedSecret(scalar, relay.toBytes());
      if (dh == null) {
        throw new IllegalArgumentException("the relay's public key has low order");
      }
      return mac(dh, challenge, node.publicKey(), relay);
    } finally {
      Arrays.fill(scalar, (byte) 0);
    }
  }

  /** Whether {@code proof} shows that the sender holds the private key of {@code node}. */
  public static boolean verify(
      RelayPrivateKey relay, NodePublicKey node, byte[] challenge, byte[] proof) {
    if (proof == null || proof.length != Frames.PROOF_BYTES || challenge == null) {
      return false;
    }
    byte[] scalar = relay.toBytes();
    try {
      byte[] dh = X25519.sharedSecret(scalar, node.toBytes());
      if (dh == null) {
        return false;
      }
      return MessageDigest.isEqual(mac(dh, challenge, node, relay.publicKey()), proof);
    } finally {
      Arrays.fill(scalar, (byte) 0);
    }
  }

  private static byte[] mac(byte[] dh, byte[] challenge, NodePublicKey node, RelayPublicKey relay) {
    byte[] key = Hkdf.derive(SALT, dh, INFO, Hkdf.HASH_LEN);
    byte[] data = new byte[challenge.length + 2 * Frames.KEY_BYTES];
    System.arraycopy(challenge, 0, data, 0, challenge.length);
    System.arraycopy(node.toBytes(), 0, data, challenge.length, Frames.KEY_BYTES);
    System.arraycopy(
        relay.toBytes(), 0, data, challenge.length + Frames.KEY_BYTES, Frames.KEY_BYTES);
    byte[] out = hmac(key, data);
    Arrays.fill(dh, (byte) 0);
    Arrays.fill(key, (byte) 0);
    return out;
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's HmacSHA256 is unavailable", e);
    }
  }
}
