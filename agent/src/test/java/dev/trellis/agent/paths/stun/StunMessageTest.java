package dev.trellis.agent.paths.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.device.IpLiteral;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** STUN against the RFC 5769 test vectors, and a parser that never throws. */
class StunMessageTest {
  private static final HexFormat HEX = HexFormat.of();

  // RFC 5769 section 2.2: IPv4 response, mapped 192.0.2.1:32853
  private static final byte[] RFC5769_V4 =
      HEX.parseHex(
          "0101003c2112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
              + "002000080001a147e112a643000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
              + "80280004c07d4c96");

  // RFC 5769 section 2.3: IPv6 response, mapped [2001:db8:1234:5678:11:2233:4455:6677]:32853
  private static final byte[] RFC5769_V6 =
      HEX.parseHex(
          "010100482112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
              + "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
              + "00080014a382954e4be67bf11784c97c8292c275bfe3ed41"
              + "80280004c8fb0b4c");

  @Test
  void rfc5769ResponsesGiveTheirMappedAddresses() {
    StunMessage.Response v4 = StunMessage.parseResponse(RFC5769_V4, 0, RFC5769_V4.length);
    assertNotNull(v4);
    assertEquals(new Endpoint(IpLiteral.parse("192.0.2.1"), 32853), v4.mapped());
    assertArrayEquals(HEX.parseHex("b7e7a701bc34d686fa87dfae"), v4.txId());
    StunMessage.Response v6 = StunMessage.parseResponse(RFC5769_V6, 0, RFC5769_V6.length);
    assertNotNull(v6);
    assertEquals(
        new Endpoint(IpLiteral.parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), v6.mapped());
  }

  @Test
  void requestAndResponseRoundTrip() {
    byte[] tx = HEX.parseHex("0102030405060708090a0b0c");
    byte[] req = StunMessage.bindingRequest(tx);
    assertEquals("000100002112a4420102030405060708090a0b0c", HEX.formatHex(req));
    assertArrayEquals(tx, StunMessage.requestTxId(req, 0, req.length));
    Endpoint mapped = new Endpoint(IpLiteral.parse("203.0.113.9"), 41641);
    byte[] resp = StunMessage.bindingSuccess(tx, mapped);
    assertEquals(mapped, StunMessage.parseResponse(resp, 0, resp.length).mapped());
    assertNull(StunMessage.parseResponse(req, 0, req.length));
  }

  @Test
  void wireGuardMessagesAreNotStun() {
    for (int type = 1; type <= 4; type++) {
      byte[] wg = new byte[148];
      wg[0] = (byte) type;
      assertFalse(StunMessage.isStun(wg, 0, wg.length));
    }
  }

  @Test
  void truncatedResponsesAreRefused() {
    for (int len = 0; len < RFC5769_V4.length; len++) {
      StunMessage.Response r = StunMessage.parseResponse(RFC5769_V4, 0, len);
      if (r != null) {
        assertEquals(32853, r.mapped().port()); // only cuts after the address may still parse
      }
    }
  }

  @Property(tries = 2000)
  void parserNeverThrowsOnRandomStunLookingBytes(@ForAll @Size(max = 120) byte[] bytes) {
    byte[] b = bytes.clone();
    if (b.length >= 8) {
      b[0] = (byte) (b[0] & 1);
      b[1] = 1;
      System.arraycopy(StunMessage.COOKIE, 0, b, 4, 4);
    }
    StunMessage.parseResponse(b, 0, b.length);
    StunMessage.requestTxId(b, 0, b.length);
  }

  @Property(tries = 1000)
  void mutatedVectorsNeverThrow(@ForAll @Size(max = 6) java.util.List<Integer> positions) {
    byte[] b = RFC5769_V6.clone();
    for (int p : positions) {
      b[Math.floorMod(p, b.length)] ^= (byte) (p | 1);
    }
    StunMessage.parseResponse(b, 0, b.length);
  }
}
