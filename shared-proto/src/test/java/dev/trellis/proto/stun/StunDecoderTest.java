package dev.trellis.proto.stun;

import static dev.trellis.proto.stun.StunVectors.RFC5769_REQUEST;
import static dev.trellis.proto.stun.StunVectors.RFC5769_RESPONSE_V4;
import static dev.trellis.proto.stun.StunVectors.RFC5769_RESPONSE_V6;
import static dev.trellis.proto.stun.StunVectors.RFC5769_TX;
import static dev.trellis.proto.stun.StunVectors.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.stun.StunResult.BindingRequest;
import dev.trellis.proto.stun.StunResult.BindingResponse;
import dev.trellis.proto.stun.StunResult.Refused;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The decoder against the RFC 5769 test vectors, and how it refuses what it does not take. */
class StunDecoderTest {

  @Test
  void theRfc5769RequestParsesWithItsFingerprint() {
    byte[] req = bytes(RFC5769_REQUEST);
    var r = assertInstanceOf(BindingRequest.class, StunDecoder.decode(req, 0, req.length));
    assertEquals(TransactionId.of(bytes(RFC5769_TX)), r.transactionId());
  }

  @Test
  void rfc5769ResponsesGiveTheirMappedAddresses() throws Exception {
    byte[] v4 = bytes(RFC5769_RESPONSE_V4);
    var r4 = assertInstanceOf(BindingResponse.class, StunDecoder.decode(v4, 0, v4.length));
    assertEquals(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853), r4.mapped());
    assertEquals(TransactionId.of(bytes(RFC5769_TX)), r4.transactionId());
    byte[] v6 = bytes(RFC5769_RESPONSE_V6);
    var r6 = assertInstanceOf(BindingResponse.class, StunDecoder.decode(v6, 0, v6.length));
    assertEquals(
        new InetSocketAddress(InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853),
        r6.mapped());
  }

  @Test
  void aMessageInsideALargerBufferDecodesAtItsOffset() {
    byte[] v4 = bytes(RFC5769_RESPONSE_V4);
    byte[] buf = new byte[v4.length + 10];
    System.arraycopy(v4, 0, buf, 7, v4.length);
    var r = assertInstanceOf(BindingResponse.class, StunDecoder.decode(buf, 7, v4.length));
    assertEquals(32853, r.mapped().getPort());
  }

  @Test
  void aChangedAttributeValueFailsTheFingerprint() {
    for (int at : new int[] {8, 30, 45, 70, 90}) {
      byte[] req = bytes(RFC5769_REQUEST);
      req[at] ^= 0x5a;
      assertEquals(
          Refused.of(StunRefusal.BAD_FINGERPRINT),
          StunDecoder.decode(req, 0, req.length),
          "byte " + at);
    }
  }

  @Test
  void truncatedResponsesAreRefused() {
    byte[] v4 = bytes(RFC5769_RESPONSE_V4);
    for (int len = 0; len < v4.length; len++) {
      StunResult r = StunDecoder.decode(v4, 0, len);
      if (r instanceof BindingResponse response) {
        assertEquals(32853, response.mapped().getPort()); // only cuts after the address may parse
      }
      assertEquals(Refused.of(StunRefusal.TRUNCATED), r, "length " + len);
    }
  }

  @Test
  void eachRefusalHasItsReason() {
    byte[] notStun = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes();
    assertSame(Refused.of(StunRefusal.NOT_STUN), StunDecoder.decode(notStun, 0, notStun.length));
    assertSame(Refused.of(StunRefusal.TRUNCATED), StunDecoder.decode(new byte[19], 0, 19));
    assertSame(Refused.of(StunRefusal.TRUNCATED), StunDecoder.decode(null, 0, 20));
    assertSame(Refused.of(StunRefusal.TRUNCATED), StunDecoder.decode(new byte[20], 4, 20));
    // a binding error response (0x0111) is STUN, but not binding request or success
    byte[] error = StunEncoder.bindingRequest(TransactionId.of(new byte[12]));
    error[0] = 0x01;
    error[1] = 0x11;
    assertSame(Refused.of(StunRefusal.NOT_BINDING), StunDecoder.decode(error, 0, error.length));
    // an attribute that claims more than is there
    byte[] overrun = bytes("000100082112a442" + "0".repeat(24) + "80220008" + "41424344");
    assertSame(
        Refused.of(StunRefusal.BAD_ATTRIBUTE), StunDecoder.decode(overrun, 0, overrun.length));
    // a fingerprint that is not last
    byte[] early =
        bytes("000100102112a442" + "0".repeat(24) + "80280004" + "00000000" + "0".repeat(16));
    assertSame(Refused.of(StunRefusal.BAD_FINGERPRINT), StunDecoder.decode(early, 0, early.length));
    // a success response with no address
    byte[] bare = StunEncoder.bindingRequest(TransactionId.of(new byte[12]));
    bare[0] = 0x01;
    assertSame(Refused.of(StunRefusal.NO_MAPPED_ADDRESS), StunDecoder.decode(bare, 0, bare.length));
  }

  @Test
  void mappedAddressServesWhenThereIsNoXorMappedAddress() throws Exception {
    // RFC 5769's IPv4 response with XOR-MAPPED-ADDRESS (0x0020) renamed to an unknown attribute,
    // MESSAGE-INTEGRITY replaced by a MAPPED-ADDRESS of 198.51.100.7:4242, and no fingerprint
    String mapped =
        "010100282112a442b7e7a701bc34d686fa87dfae8022000b7465737420766563746f7220"
            + "7f2000080001a147e112a643"
            + "0001000800011092c6336407";
    byte[] b = bytes(mapped);
    var r = assertInstanceOf(BindingResponse.class, StunDecoder.decode(b, 0, b.length));
    assertEquals(new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 4242), r.mapped());
  }

  @Test
  void wireGuardMessagesAreNotStun() {
    for (int type = 1; type <= 4; type++) {
      byte[] wg = new byte[148];
      wg[0] = (byte) type;
      assertFalse(StunMessage.isStun(wg, 0, wg.length));
      assertSame(Refused.of(StunRefusal.NOT_STUN), StunDecoder.decode(wg, 0, wg.length));
    }
    byte[] req = bytes(RFC5769_REQUEST);
    assertTrue(StunMessage.isStun(req, 0, req.length));
  }
}
