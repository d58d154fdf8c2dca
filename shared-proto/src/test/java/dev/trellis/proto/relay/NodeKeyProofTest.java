package dev.trellis.proto.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.key.RelayPrivateKey;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The node-key proof: accepted for the key holder, refused for every other variation. */
class NodeKeyProofTest {
  private final RelayPrivateKey relay = RelayPrivateKey.generate();
  private final NodePrivateKey node = NodePrivateKey.generate();

  @Test
  void theHolderOfTheNodeKeyIsAccepted() {
    byte[] challenge = NodeKeyProof.newChallenge();
    byte[] proof = NodeKeyProof.prove(node, relay.publicKey(), challenge);
    assertTrue(NodeKeyProof.verify(relay, node.publicKey(), challenge, proof));
  }

  @Test
  void anotherKeyAnotherChallengeOrAnotherRelayIsRefused() {
    byte[] challenge = NodeKeyProof.newChallenge();
    byte[] proof = NodeKeyProof.prove(node, relay.publicKey(), challenge);
    var other = NodePrivateKey.generate();
    assertFalse(NodeKeyProof.verify(relay, other.publicKey(), challenge, proof));
    assertFalse(NodeKeyProof.verify(relay, node.publicKey(), NodeKeyProof.newChallenge(), proof));
    assertFalse(
        NodeKeyProof.verify(RelayPrivateKey.generate(), node.publicKey(), challenge, proof));
    byte[] flipped = proof.clone();
    flipped[5] ^= 1;
    assertFalse(NodeKeyProof.verify(relay, node.publicKey(), challenge, flipped));
    assertFalse(NodeKeyProof.verify(relay, node.publicKey(), challenge, new byte[31]));
  }

  @Test
  void aLowOrderNodeKeyIsRefused() {
    byte[] challenge = NodeKeyProof.newChallenge();
    var zero = dev.trellis.proto.key.NodePublicKey.fromBytes(new byte[32]);
    assertFalse(NodeKeyProof.verify(relay, zero, challenge, new byte[32]));
  }

  @Test
  void fixedKeysGiveAFixedProof() {
    // Vector: all inputs fixed, so a change to the construction is caught. Computed once by this
    // implementation and cross-checked by hand-written HKDF/HMAC in proofByHand below.
    var fixedRelay = RelayPrivateKey.fromBytes(HexFormat.of().parseHex("11".repeat(32)));
    var fixedNode = NodePrivateKey.fromBytes(HexFormat.of().parseHex("22".repeat(32)));
    byte[] challenge = HexFormat.of().parseHex("33".repeat(32));
    byte[] proof = NodeKeyProof.prove(fixedNode, fixedRelay.publicKey(), challenge);
    assertArrayEquals(proofByHand(fixedNode, fixedRelay, challenge), proof);
    assertTrue(NodeKeyProof.verify(fixedRelay, fixedNode.publicKey(), challenge, proof));
  }

  @Test
  void privateKeysAreRedacted() {
    assertEquals("relayprivkey:<redacted>", relay.toString());
    assertEquals(relay.publicKey(), RelayPrivateKey.fromBase64(relay.toSecretBase64()).publicKey());
  }

  /** RFC 5869 HKDF written out with javax.crypto directly. */
  private static byte[] proofByHand(NodePrivateKey node, RelayPrivateKey relay, byte[] challenge) {
    try {
      var factory = java.security.KeyFactory.getInstance("XDH");
      var agreement = javax.crypto.KeyAgreement.getInstance("XDH");
      agreement.init(
          factory.generatePrivate(
              new java.security.spec.XECPrivateKeySpec(
                  java.security.spec.NamedParameterSpec.X25519, node.toBytes())));
      byte[] le = relay.publicKey().toBytes();
      byte[] be = new byte[32];
      for (int i = 0; i < 32; i++) {
        be[i] = le[31 - i];
      }
      agreement.doPhase(
          factory.generatePublic(
              new java.security.spec.XECPublicKeySpec(
                  java.security.spec.NamedParameterSpec.X25519, new java.math.BigInteger(1, be))),
          true);
      byte[] dh = agreement.generateSecret();
      byte[] prk = hmac("trellis-relay-v1 proof".getBytes(), dh);
      byte[] key = hmac(prk, "node-key\u0001".getBytes());
      var data = new java.io.ByteArrayOutputStream();
      data.write(challenge);
      data.write(node.publicKey().toBytes());
      data.write(relay.publicKey().toBytes());
      return hmac(key, data.toByteArray());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    var mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }
}
