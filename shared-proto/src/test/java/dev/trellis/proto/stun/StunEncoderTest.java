package dev.trellis.proto.stun;

import static dev.trellis.proto.stun.StunVectors.RFC5769_TX;
import static dev.trellis.proto.stun.StunVectors.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.trellis.proto.stun.StunResult.BindingRequest;
import dev.trellis.proto.stun.StunResult.BindingResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The encoder's exact bytes. The responses' hex was computed independently (Python's struct and
 * zlib.crc32) from the layout in {@link StunMessage}; their XOR-MAPPED-ADDRESS attributes equal RFC
 * 5769's.
 */
class StunEncoderTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final TransactionId TX = TransactionId.of(bytes(RFC5769_TX));

  @Test
  void bindingRequestsWithAndWithoutFingerprint() {
    TransactionId tx = TransactionId.of(HEX.parseHex("0102030405060708090a0b0c"));
    assertEquals(
        "000100002112a4420102030405060708090a0b0c", HEX.formatHex(StunEncoder.bindingRequest(tx)));
    assertEquals(
        "000100082112a4420102030405060708090a0b0c802800045b20f9cc",
        HEX.formatHex(StunEncoder.bindingRequest(tx, true)));
  }

  @Test
  void theIpv4ResponseMatchesItsVector() throws Exception {
    byte[] resp = StunEncoder.bindingSuccess(TX, new InetSocketAddress("192.0.2.1", 32853));
    // RFC 5769 §2.2's XOR-MAPPED-ADDRESS right after the header
    assertEquals("002000080001a147e112a643", HEX.formatHex(resp, 20, 32));
    assertEquals(
        "010100342112a442b7e7a701bc34d686fa87dfae002000080001a147e112a643"
            + "0001000800018055c0000201"
            + "8022000d7472656c6c69732d72656c6179000000"
            + "80280004e18a68f1",
        HEX.formatHex(resp));
  }

  @Test
  void theIpv6ResponseMatchesItsVector() {
    byte[] resp =
        StunEncoder.bindingSuccess(
            TX, new InetSocketAddress("2001:db8:1234:5678:11:2233:4455:6677", 32853));
    // RFC 5769 §2.3's XOR-MAPPED-ADDRESS right after the header
    assertEquals("002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9", HEX.formatHex(resp, 20, 44));
    assertEquals(
        "0101004c2112a442b7e7a701bc34d686fa87dfae002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
            + "0001001400028055"
            + "20010db8123456780011223344556677"
            + "8022000d7472656c6c69732d72656c6179000000"
            + "802800045a695965",
        HEX.formatHex(resp));
  }

  @Test
  void whatIsWrittenDecodesBack() throws Exception {
    TransactionId tx = TransactionId.of(HEX.parseHex("0102030405060708090a0b0c"));
    byte[] req = StunEncoder.bindingRequest(tx, true);
    var r = assertInstanceOf(BindingRequest.class, StunDecoder.decode(req, 0, req.length));
    assertEquals(tx, r.transactionId());
    InetSocketAddress seen = new InetSocketAddress(InetAddress.getByName("203.0.113.9"), 41641);
    byte[] resp = StunEncoder.bindingSuccess(tx, seen);
    assertEquals(
        new BindingResponse(tx, seen),
        assertInstanceOf(BindingResponse.class, StunDecoder.decode(resp, 0, resp.length)));
  }

  @Test
  void ourResponsesCarryAValidFingerprint() {
    byte[] resp =
        StunEncoder.bindingSuccess(
            TransactionId.of(new byte[12]), new InetSocketAddress("10.1.2.3", 4242));
    int at = resp.length - 8;
    assertEquals(StunMessage.ATTR_FINGERPRINT, ((resp[at] & 0xff) << 8) | (resp[at + 1] & 0xff));
    int fp = java.nio.ByteBuffer.wrap(resp, at + 4, 4).getInt();
    assertEquals(StunMessage.fingerprint(resp, 0, at), fp);
  }

  @Test
  void aTransactionIdIsTwelveBytes() {
    var e = assertThrows(IllegalArgumentException.class, () -> TransactionId.of(new byte[8]));
    assertEquals("a STUN transaction id is 12 bytes, got 8", e.getMessage());
  }
}
