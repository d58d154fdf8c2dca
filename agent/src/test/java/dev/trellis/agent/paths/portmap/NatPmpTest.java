package dev.trellis.agent.paths.portmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** NAT-PMP bytes as RFC 6886 sections 3.2 and 3.3 lay them out. */
class NatPmpTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void requestsHaveTheRfcLayout() {
    assertArrayEquals(HEX.parseHex("0000"), NatPmp.externalAddressRequest());
    assertArrayEquals(
        HEX.parseHex("0001" + "0000" + "a2a9" + "a2a9" + "00001c20"),
        NatPmp.mapRequest(41641, 41641, 7200));
    assertArrayEquals(
        HEX.parseHex("0001" + "0000" + "a2a9" + "0000" + "00000000"),
        NatPmp.mapRequest(41641, 0, 0));
  }

  @Test
  void decodesTheExternalAddressResponse() {
    // what miniupnpd answered in the lab: version 0, op 128, result 0, epoch 1, 10.150.3.12
    NatPmp.Response r = NatPmp.decode(HEX.parseHex("008000000000000a0a96030c"), 0, 12);
    assertEquals(
        new NatPmp.ExternalAddress(0, 10, NatPmp.ipv4(new byte[] {10, (byte) 150, 3, 12})), r);
  }

  @Test
  void decodesTheMapResponse() {
    NatPmp.Response r = NatPmp.decode(HEX.parseHex("0081000000000003a2a9a2aa00000078"), 0, 16);
    assertEquals(new NatPmp.Mapped(0, 3, 41641, 41642, 120), r);
  }

  @Test
  void refusesWhatIsNotAResponse() {
    assertNull(NatPmp.decode(HEX.parseHex("0001a2a9a2a900000078"), 0, 10)); // a request
    assertNull(NatPmp.decode(HEX.parseHex("0081000000000003a2a9"), 0, 10)); // short
    assertNull(NatPmp.decode(HEX.parseHex("0280000000000003"), 0, 8)); // PCP's version
    assertNull(NatPmp.decode(HEX.parseHex("0085000000000003"), 0, 8)); // unknown opcode
    assertNull(NatPmp.decode(null, 0, 0));
    assertNull(NatPmp.decode(new byte[16], 10, 16));
  }
}
