package dev.trellis.proto.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The relay key types behave like the other key kinds: prefixed text, secrets kept secret. */
class RelayKeyTest {
  // RFC 7748 §6.1: Alice's private key and the public key it yields
  private static final String ALICE =
      "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
  private static final String ALICE_PUBLIC =
      "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";

  @Test
  void thePublicKeyIsDerivedAndWrittenWithItsPrefix() {
    RelayPrivateKey key = RelayPrivateKey.fromBytes(HexFormat.of().parseHex(ALICE));
    assertEquals("relaykey:" + ALICE_PUBLIC, key.publicKey().toString());
    assertEquals(key.publicKey(), RelayPublicKey.parse("relaykey:" + ALICE_PUBLIC));
    assertEquals(key.publicKey(), RelayPublicKey.fromBase64(key.publicKey().toBase64()));
  }

  @Test
  void privateKeysRoundTripButNeverPrint() {
    RelayPrivateKey key = RelayPrivateKey.generate();
    assertEquals("relayprivkey:<redacted>", key.toString());
    assertTrue(RelayPrivateKey.parse(key.toSecretText()).sameAs(key));
    assertTrue(RelayPrivateKey.fromBase64(key.toSecretBase64()).sameAs(key));
    assertTrue(key.toSecretText().startsWith("relayprivkey:"));
    assertFalse(RelayPrivateKey.generate().sameAs(key));
    assertFalse(key.sameAs(null));
  }

  @Test
  void anotherKindOfKeyIsRefusedWithItsReason() {
    String nodeKey = NodePrivateKey.generate().publicKey().toString();
    var e = assertThrows(IllegalArgumentException.class, () -> RelayPublicKey.parse(nodeKey));
    assertEquals("A relay public key must start with 'relaykey:'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> RelayPrivateKey.fromBytes(new byte[31]));
    assertEquals("A relay private key must be 32 bytes, got 31", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> RelayPrivateKey.fromBase64("not base64!"));
  }

  @Test
  void destroyZeroesTheKey() {
    RelayPrivateKey key = RelayPrivateKey.generate();
    key.destroy();
    assertEquals("0".repeat(64), HexFormat.of().formatHex(key.toBytes()));
  }
}
