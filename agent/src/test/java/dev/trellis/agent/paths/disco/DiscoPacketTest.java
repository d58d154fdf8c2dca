package dev.trellis.agent.paths.disco;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.proto.key.DiscoPrivateKey;
import dev.trellis.proto.key.DiscoPublicKey;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.net.IpLiteral;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Disco packets round-trip between two keys; everything else is dropped and counted. */
class DiscoPacketTest {
  private static final DiscoBox A = new DiscoBox(DiscoPrivateKey.generate());
  private static final DiscoBox B = new DiscoBox(DiscoPrivateKey.generate());
  private static final Set<DiscoPublicKey> KNOWN_TO_B = Set.of(A.publicKey());
  private static final byte[] TX = new byte[12];
  private static final byte[] VALID_PING =
      A.seal(new DiscoMessage.Ping(TX, NodePrivateKey.generate().publicKey()), B.publicKey());

  private static Endpoint ep(String ip, int port) {
    return new Endpoint(IpLiteral.parse(ip), port);
  }

  @Test
  void everyMessageRoundTripsAndNamesItsSender() {
    List<DiscoMessage> messages =
        List.of(
            new DiscoMessage.Ping(TX, NodePrivateKey.generate().publicKey()),
            new DiscoMessage.Pong(TX, ep("203.0.113.7", 41641)),
            new DiscoMessage.Pong(TX, ep("2001:db8::1", 1)),
            new DiscoMessage.Pong(TX, ep("::", 0)),
            new DiscoMessage.CallMeMaybe(List.of(ep("192.168.1.2", 5), ep("fd00::2", 65535))),
            new DiscoMessage.CallMeMaybe(List.of()));
    for (DiscoMessage m : messages) {
      byte[] wire = A.seal(m, B.publicKey());
      assertTrue(DiscoPacket.isDisco(wire, 0, wire.length));
      DiscoBox.Opened o = B.open(wire, 0, wire.length, KNOWN_TO_B::contains);
      assertNotNull(o, m.toString());
      assertEquals(A.publicKey(), o.sender());
      assertEquals(m, o.message());
    }
  }

  @Test
  void aWireGuardMessageIsNeverTakenForDisco() {
    for (int type = 1; type <= 4; type++) {
      byte[] wg = new byte[148];
      wg[0] = (byte) type;
      assertTrue(!DiscoPacket.isDisco(wg, 0, wg.length));
    }
  }

  @Test
  void unknownSenderTamperedBoxAndShortPacketsAreCountedDrops() {
    DiscoBox c = new DiscoBox(DiscoPrivateKey.generate());
    long unknown = c.dropped(DiscoDrop.UNKNOWN_SENDER);
    assertNull(c.open(VALID_PING, 0, VALID_PING.length, k -> false));
    assertEquals(unknown + 1, c.dropped(DiscoDrop.UNKNOWN_SENDER));

    long bad = c.dropped(DiscoDrop.BAD_BOX);
    assertNull(c.open(VALID_PING, 0, VALID_PING.length, k -> true)); // sealed for B, not C
    assertEquals(bad + 1, c.dropped(DiscoDrop.BAD_BOX));

    byte[] tampered = VALID_PING.clone();
    tampered[tampered.length - 20] ^= 1;
    assertNull(B.open(tampered, 0, tampered.length, KNOWN_TO_B::contains));
    long shortOnes = c.dropped(DiscoDrop.SHORT);
    assertNull(c.open(VALID_PING, 0, 40, k -> true));
    assertEquals(shortOnes + 1, c.dropped(DiscoDrop.SHORT));
  }

  @Property(tries = 2000)
  void plaintextDecoderNeverThrows(@ForAll @Size(max = 700) byte[] bytes) {
    DiscoMessage m = DiscoPacket.decode(bytes);
    if (m != null) {
      DiscoPacket.encode(m); // whatever decodes re-encodes
    }
  }

  @Property(tries = 1000)
  void openNeverThrowsOnRandomBytesBehindTheMagic(@ForAll @Size(max = 300) byte[] bytes) {
    byte[] b = bytes.clone();
    System.arraycopy(DiscoPacket.MAGIC, 0, b, 0, Math.min(6, b.length));
    assertNull(B.open(b, 0, b.length, k -> true));
  }

  @Provide
  Arbitrary<byte[]> mutatedPings() {
    return Arbitraries.integers()
        .between(0, VALID_PING.length - 1)
        .list()
        .ofMinSize(1)
        .ofMaxSize(6)
        .uniqueElements()
        .map(
            positions -> {
              byte[] b = VALID_PING.clone();
              for (int p : positions) {
                b[p] ^= (byte) (1 + p % 255);
              }
              return b;
            });
  }

  @Property(tries = 300)
  void aMutatedPacketNeverOpens(@ForAll("mutatedPings") byte[] bytes) {
    assertNull(B.open(bytes, 0, bytes.length, k -> true));
  }
}
