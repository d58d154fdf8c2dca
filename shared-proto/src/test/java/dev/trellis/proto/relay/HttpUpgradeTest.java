package dev.trellis.proto.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The upgrade request's exact bytes, the response checks, and pins' shape. */
class HttpUpgradeTest {
  @Test
  void theDeviceRequestIsExactlyThis() {
    assertEquals(
        "GET /relay/v1 HTTP/1.1\r\nHost: relay.example\r\nConnection: Upgrade\r\n"
            + "Upgrade: trellis-relay\r\n\r\n",
        new String(HttpUpgrade.deviceRequest("relay.example"), StandardCharsets.US_ASCII));
  }

  @Test
  void theMeshRequestCarriesTheCredentialAndRefusesHeaderInjection() {
    String req = new String(HttpUpgrade.meshRequest("10.0.0.1", "tok"), StandardCharsets.US_ASCII);
    assertTrue(req.startsWith("GET /relay/v1/mesh HTTP/1.1\r\n"));
    assertTrue(req.contains("\r\nAuthorization: Bearer tok\r\n"));
    assertThrows(IllegalArgumentException.class, () -> HttpUpgrade.meshRequest("h", "a\r\nX: y"));
  }

  @Test
  void theHeadEndsAfterTheBlankLineAndOnly101Switches() {
    byte[] ok =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: trellis-relay\r\n\r\n\u0001"
            .getBytes(StandardCharsets.US_ASCII);
    assertEquals(ok.length - 1, HttpUpgrade.headEnd(ok, ok.length));
    assertEquals(-1, HttpUpgrade.headEnd(ok, ok.length - 3));
    assertTrue(HttpUpgrade.switched(ok, ok.length));
    byte[] no = "HTTP/1.1 426 Upgrade Required\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    assertFalse(HttpUpgrade.switched(no, no.length));
  }

  @Test
  void pinsAre64LowerCaseHexDigits() {
    assertThrows(IllegalArgumentException.class, () -> SpkiPin.trusting("ABC"));
    SpkiPin.trusting("0".repeat(64));
  }

  @Property(tries = 500)
  void anyBytesGiveAHeadEndInsideTheBufferOrNone(@ForAll @Size(max = 300) byte[] b) {
    int end = HttpUpgrade.headEnd(b, b.length);
    assertTrue(end == -1 || (end >= 4 && end <= b.length));
    HttpUpgrade.switched(b, b.length);
  }
}
