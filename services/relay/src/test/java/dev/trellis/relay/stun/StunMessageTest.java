package dev.trellis.relay.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** STUN vectors from RFC 5769 and a fuzz of the parser. */
class StunMessageTest {
  private static final HexFormat HEX = HexFormat.of();

  /** RFC 5769 §2.1 sample request (with USERNAME, MESSAGE-INTEGRITY, FINGERPRINT). */
  private static final String RFC5769_REQUEST =
      "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e20746573742063"
          + "6c69656e74002400046e0001ff80290008932ff9b151263b36000600096576746a3a68"
          + "367659202020000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf";

  @Test
  void theRfc5769RequestParsesWithItsFingerprint() {
    byte[] req = HEX.parseHex(RFC5769_REQUEST);
    var p = StunMessage.parseBindingRequest(req, req.length);
    assertTrue(p.ok(), String.valueOf(p.refusal()));
    assertArrayEquals(HEX.parseHex("b7e7a701bc34d686fa87dfae"), p.transactionId());
  }

  @Test
  void theRfc5769Ipv4XorMappedAddressDecodes() throws Exception {
    // RFC 5769 §2.2: 192.0.2.1 port 32853 in XOR form.
    byte[] txid = HEX.parseHex("b7e7a701bc34d686fa87dfae");
    byte[] resp = StunMessage.bindingSuccess(txid, new InetSocketAddress("192.0.2.1", 32853));
    // The XOR-MAPPED-ADDRESS attribute right after the header matches the RFC's bytes.
    assertEquals("002000080001a147e112a643", HEX.formatHex(resp, 20, 32));
    assertEquals(
        new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853),
        StunMessage.xorMappedAddress(resp, resp.length, txid));
  }

  @Test
  void theRfc5769Ipv6XorMappedAddressMatches() {
    // RFC 5769 §2.3: 2001:db8:1234:5678:11:2233:4455:6677 port 32853.
    byte[] txid = HEX.parseHex("b7e7a701bc34d686fa87dfae");
    byte[] resp =
        StunMessage.bindingSuccess(
            txid, new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853));
    assertEquals("002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9", HEX.formatHex(resp, 20, 44));
  }

  @Test
  void ourResponsesCarryAValidFingerprint() {
    byte[] txid = new byte[12];
    byte[] resp = StunMessage.bindingSuccess(txid, new InetSocketAddress("10.1.2.3", 4242));
    int at = resp.length - 8;
    assertEquals(StunMessage.ATTR_FINGERPRINT, ((resp[at] & 0xff) << 8) | (resp[at + 1] & 0xff));
    int fp = java.nio.ByteBuffer.wrap(resp, at + 4, 4).getInt();
    assertEquals(StunMessage.fingerprint(resp, at), fp);
  }

  @Property(tries = 2000)
  void randomDatagramsNeverThrow(@ForAll @Size(max = 200) byte[] data) {
    StunMessage.parseBindingRequest(data, data.length);
    StunMessage.xorMappedAddress(data, data.length, new byte[12]);
  }

  @Property(tries = 1000)
  void mutatedRequestsAreParsedOrRefusedNeverThrow(
      @ForAll @IntRange(min = 0, max = 107) int at, @ForAll @IntRange(min = 1, max = 255) int x) {
    byte[] req = HEX.parseHex(RFC5769_REQUEST);
    req[at] ^= (byte) x;
    var p = StunMessage.parseBindingRequest(req, req.length);
    // Accepted only as what it says it is: a binding request whose transaction id it reports.
    if (p.ok()) {
      assertArrayEquals(java.util.Arrays.copyOfRange(req, 8, 20), p.transactionId());
      assertEquals(0x0001, ((req[0] & 0xff) << 8) | (req[1] & 0xff));
    }
  }

  @Test
  void aChangedAttributeValueFailsTheFingerprint() {
    for (int at : new int[] {8, 30, 45, 70, 90}) {
      byte[] req = HEX.parseHex(RFC5769_REQUEST);
      req[at] ^= 0x5a;
      var p = StunMessage.parseBindingRequest(req, req.length);
      assertEquals(StunMessage.Refusal.BAD_FINGERPRINT, p.refusal(), "byte " + at);
    }
  }
}
