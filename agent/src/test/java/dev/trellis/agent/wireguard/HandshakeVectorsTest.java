package dev.trellis.agent.wireguard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.crypto.JdkChaChaPoly;
import dev.trellis.proto.key.NodePrivateKey;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The WireGuard handshake messages pinned by hex vectors, with fixed static keys, injected
 * ephemeral keys, cookie secret and nonce, a fixed timestamp and indices, as wireguard-go's tests
 * pin its KDF. The expected bytes were computed independently from the WireGuard paper's formulas
 * (layout in {@link Messages}) by {@code agent/src/test/python/known_answers.py}, with Python's
 * hashlib BLAKE2s and the cryptography package's X25519 and ChaCha20-Poly1305; wireguard-go
 * interoperates with the same code in {@code WireguardGoInteropTest}.
 */
class HandshakeVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  // RFC 7748 §6.1 private keys as the initiator's and the responder's static keys
  private static final NodePrivateKey INITIATOR =
      NodePrivateKey.fromBytes(
          HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  private static final NodePrivateKey RESPONDER =
      NodePrivateKey.fromBytes(
          HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  private static final int I_INDEX = 0x01020304;
  private static final int R_INDEX = 0x0A0B0C0D;
  private static final Instant TIME = Instant.parse("2026-01-01T00:00:00.123456789Z");

  private static final String INITIATION =
      "01000000" // type
          + "04030201" // sender index, little-endian
          + "7b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f13" // ephemeral
          + "ec3f8bbe944e0c99daaae8f27b8b12f1c67e00c86b77d0eeb515d0b423a739cd" // static
          + "a3c6afd3e0110c93bb54eb8484ada123"
          + "2962bac031f658b804013f7b064171510c7617b8b2e9bbd936bacc1d" // timestamp
          + "e7267b36f0c583818f88a57228acc341" // mac1
          + "00000000000000000000000000000000"; // mac2 (no cookie)

  private static final String RESPONSE =
      "02000000" // type
          + "0d0c0b0a" // sender index
          + "04030201" // receiver index
          + "0faa684ed28867b97f4a6a2dee5df8ce974e76b7018e3f22a1c4cf2678570f20" // ephemeral
          + "71f5423a8f85e97c5bed348fec06bf71" // empty, encrypted
          + "47524a3dfe2773971086761d94491bf4" // mac1
          + "00000000000000000000000000000000"; // mac2

  private static byte[] fill(int value, int n) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) value);
    return b;
  }

  @Test
  void initiationResponseAndFirstKeepaliveHaveTheirBytes() {
    LocalIdentity li = new LocalIdentity(INITIATOR);
    LocalIdentity lr = new LocalIdentity(RESPONDER);
    RemoteIdentity toR = new RemoteIdentity(li, RESPONDER.publicKey(), null);
    RemoteIdentity toI = new RemoteIdentity(lr, INITIATOR.publicKey(), null);
    Handshake hi = new Handshake(li, toR, () -> fill(0x11, 32));
    Handshake hr = new Handshake(lr, toI, () -> fill(0x22, 32));

    byte[] init = hi.createInitiation(I_INDEX, TIME).encode();
    new CookieGenerator(toR).addMacs(init, 0);
    assertEquals(INITIATION, HEX.formatHex(init));

    Handshake.OpenedInitiation opened = Handshake.open(lr, Initiation.decode(init, 0, init.length));
    assertNotNull(opened);
    assertEquals(Handshake.Result.OK, hr.consume(opened, 0));
    Keypair[] responder = new Keypair[1];
    byte[] resp = hr.createResponse(R_INDEX, 0, responder).encode();
    new CookieGenerator(toI).addMacs(resp, 0);
    assertEquals(RESPONSE, HEX.formatHex(resp));

    Keypair initiator = hi.consume(Response.decode(resp, 0, resp.length), 0);
    assertNotNull(initiator);
    // the initiator's first message: a keepalive with counter 0 (pins the transport keys)
    byte[] keepalive = new byte[16 + 16];
    Transport.writeHeader(keepalive, 0, initiator.remoteIndex(), 0);
    new JdkChaChaPoly().seal(initiator.sendKey(), 0, keepalive, 16, 0, null);
    assertEquals(
        "04000000" + "0d0c0b0a" + "0000000000000000" + "f0e79bbad4994a4cc7b71fc2216b7104",
        HEX.formatHex(keepalive));
    assertEquals(
        0, new JdkChaChaPoly().open(responder[0].receiveKey(), 0, keepalive, 16, 16, null));
  }

  @Test
  void aCookieReplyHasItsBytesAndGivesTheInitiationItsMac2() {
    LocalIdentity li = new LocalIdentity(INITIATOR);
    LocalIdentity lr = new LocalIdentity(RESPONDER);
    RemoteIdentity toR = new RemoteIdentity(li, RESPONDER.publicKey(), null);
    byte[] init = HEX.parseHex(INITIATION);
    // the cookie secret first, then the reply's nonce
    ArrayDeque<byte[]> random = new ArrayDeque<>(List.of(fill(0x33, 32), fill(0x44, 24)));
    CookieChecker checker =
        new CookieChecker(lr, b -> System.arraycopy(random.pop(), 0, b, 0, b.length));
    byte[] source = HEX.parseHex("c0000201" + "6cca"); // 192.0.2.1, port 51820 little-endian
    assertTrue(checker.checkMac1(init, 0, init.length));
    assertFalse(checker.checkMac2(init, 0, init.length, source, 0), "no cookie yet");
    byte[] reply = checker.reply(init, 0, init.length, I_INDEX, source, 0).encode();
    assertEquals(
        "03000000"
            + "04030201"
            + "444444444444444444444444444444444444444444444444" // nonce
            + "49e9ad2e0263fb35257e91413a2982c067aaac8df10be86ddd718d3201a5f079", // cookie
        HEX.formatHex(reply));

    CookieGenerator macs = new CookieGenerator(toR);
    byte[] again = Arrays.copyOf(init, init.length);
    macs.addMacs(again, 0); // the last MAC1 sent, which the reply answers
    assertTrue(macs.consume(CookieReply.decode(reply, 0, reply.length), 0));
    macs.addMacs(again, 1);
    assertEquals("04ab8d5991bdf166ac8fa4275b5b365e", HEX.formatHex(again, 132, 148));
    assertTrue(checker.checkMac2(again, 0, again.length, source, 1));
    assertArrayEquals(Arrays.copyOf(init, 132), Arrays.copyOf(again, 132));
  }
}
