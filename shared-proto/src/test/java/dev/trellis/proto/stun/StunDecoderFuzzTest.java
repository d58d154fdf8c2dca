package dev.trellis.proto.stun;

import static dev.trellis.proto.stun.StunVectors.RFC5769_REQUEST;
import static dev.trellis.proto.stun.StunVectors.RFC5769_RESPONSE_V6;
import static dev.trellis.proto.stun.StunVectors.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Fuzz targets: the decoder returns a result for any input and never throws. */
class StunDecoderFuzzTest {

  @Property(tries = 3000)
  void randomDatagramsNeverThrow(@ForAll @Size(max = 200) byte[] data) {
    assertNotNull(StunDecoder.decode(data, 0, data.length));
  }

  @Property(tries = 3000)
  void randomStunLookingBytesNeverThrow(@ForAll @Size(max = 120) byte[] bytes) {
    byte[] b = bytes.clone();
    if (b.length >= 8) {
      b[0] = (byte) (b[0] & 1);
      b[1] = 1;
      b[4] = 0x21;
      b[5] = 0x12;
      b[6] = (byte) 0xA4;
      b[7] = 0x42;
    }
    if (b.length >= StunMessage.HEADER) {
      // a length field that agrees with the datagram, so the attribute walk is reached
      int body = (b.length - StunMessage.HEADER) & ~3;
      b = Arrays.copyOf(b, StunMessage.HEADER + body);
      b[2] = (byte) (body >>> 8);
      b[3] = (byte) body;
    }
    assertNotNull(StunDecoder.decode(b, 0, b.length));
  }

  @Property(tries = 1000)
  void mutatedRequestsAreParsedOrRefusedNeverThrow(
      @ForAll @IntRange(min = 0, max = 107) int at, @ForAll @IntRange(min = 1, max = 255) int x) {
    byte[] req = bytes(RFC5769_REQUEST);
    req[at] ^= (byte) x;
    StunResult r = StunDecoder.decode(req, 0, req.length);
    // Accepted only as what it says it is: a binding request whose transaction id it reports.
    if (r instanceof StunResult.BindingRequest request) {
      assertArrayEquals(Arrays.copyOfRange(req, 8, 20), request.transactionId().toBytes());
      assertEquals(0x0001, ((req[0] & 0xff) << 8) | (req[1] & 0xff));
    }
  }

  @Property(tries = 1000)
  void mutatedResponsesNeverThrow(@ForAll @Size(max = 6) List<Integer> positions) {
    byte[] b = bytes(RFC5769_RESPONSE_V6);
    for (int p : positions) {
      b[Math.floorMod(p, b.length)] ^= (byte) (p | 1);
    }
    assertNotNull(StunDecoder.decode(b, 0, b.length));
  }

  @Property(tries = 500)
  void anyOffsetAndLengthIsRefusedNotThrown(
      @ForAll @Size(max = 64) byte[] data,
      @ForAll @IntRange(min = -5, max = 80) int off,
      @ForAll @IntRange(min = -5, max = 80) int len) {
    assertNotNull(StunDecoder.decode(data, off, len));
  }
}
