package dev.trellis.agent.paths.disco;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.proto.key.DiscoPrivateKey;
import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.net.IpLiteral;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The disco wire format pinned by hex vectors. The expected bytes were computed independently, from
 * the layout in {@link DiscoPacket}, by {@code agent/src/test/python/known_answers.py} (Python's
 * cryptography package for X25519, HKDF and ChaCha20-Poly1305, and a HChaCha20 checked against the
 * XChaCha draft's vector): a change to these bytes breaks every agent already deployed.
 */
class DiscoVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  // RFC 7748 §6.1 private keys as the two disco keys
  private static final DiscoPrivateKey ALICE =
      DiscoPrivateKey.fromBytes(
          HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  private static final DiscoPrivateKey BOB =
      DiscoPrivateKey.fromBytes(
          HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  private static final byte[] TX = HEX.parseHex("000102030405060708090a0b");
  private static final NodePublicKey NODE =
      NodePublicKey.fromBytes(
          HEX.parseHex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"));
  private static final Endpoint V4 = new Endpoint(IpLiteral.parse("203.0.113.7"), 41641);
  private static final Endpoint V6 = new Endpoint(IpLiteral.parse("2001:db8::1"), 1);

  private static final String PING =
      "0100"
          + "000102030405060708090a0b"
          + "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";

  @Test
  void theMagicIsTheSixBytesAgentsSend() {
    assertEquals("54524cf09fac", HEX.formatHex(DiscoPacket.MAGIC));
  }

  @Test
  void eachMessageHasItsBytes() {
    assertEquals(PING, hex(new DiscoMessage.Ping(TX, NODE)));
    assertEquals(
        "0200" + "000102030405060708090a0b" + "00000000000000000000ffffcb007107" + "a2a9",
        hex(new DiscoMessage.Pong(TX, V4)));
    assertEquals(
        "0200" + "000102030405060708090a0b" + "20010db8000000000000000000000001" + "0001",
        hex(new DiscoMessage.Pong(TX, V6)));
    assertEquals(
        "0300" + "00000000000000000000ffffcb007107a2a9" + "20010db80000000000000000000000010001",
        hex(new DiscoMessage.CallMeMaybe(List.of(V4, V6))));
  }

  @Test
  void theVectorsDecodeToTheirMessages() {
    assertEquals(new DiscoMessage.Ping(TX, NODE), DiscoPacket.decode(HEX.parseHex(PING)));
    assertEquals(
        new DiscoMessage.CallMeMaybe(List.of(V4, V6)),
        DiscoPacket.decode(
            HEX.parseHex(
                "0300"
                    + "00000000000000000000ffffcb007107a2a9"
                    + "20010db80000000000000000000000010001")));
  }

  @Test
  void aSealedPingHasItsBytesAndOpens() {
    byte[] nonce = HEX.parseHex("404142434445464748494a4b4c4d4e4f5051525354555657");
    DiscoBox a = new DiscoBox(ALICE, b -> System.arraycopy(nonce, 0, b, 0, b.length));
    byte[] sealed = a.seal(new DiscoMessage.Ping(TX, NODE), BOB.publicKey());
    String expected =
        "54524cf09fac"
            + "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
            + "404142434445464748494a4b4c4d4e4f5051525354555657"
            + "91ccefef30a05536f815636464326e2df8629db40e65b6b7ca06e0c94ae967b3"
            + "d814f8cd237f526481ee892043ba493777bfe35da276c41cff6395049303";
    assertEquals(expected, HEX.formatHex(sealed));
    DiscoBox.Opened o =
        new DiscoBox(BOB).open(sealed, 0, sealed.length, k -> k.equals(ALICE.publicKey()));
    assertNotNull(o);
    assertEquals(ALICE.publicKey(), o.sender());
    assertEquals(new DiscoMessage.Ping(TX, NODE), o.message());
    assertArrayEquals(HEX.parseHex(expected), sealed);
  }

  private static String hex(DiscoMessage m) {
    return HEX.formatHex(DiscoPacket.encode(m));
  }
}
