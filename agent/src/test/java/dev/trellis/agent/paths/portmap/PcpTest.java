package dev.trellis.agent.paths.portmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** PCP bytes as RFC 6887 sections 7.1, 7.2 and 11.1 lay them out. */
class PcpTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final String CLIENT = "00000000000000000000ffffc0a8010a"; // ::ffff:192.168.1.10
  private static final String NONCE = "0102030405060708090a0b0c";

  @Test
  void mapRequestHasTheRfcLayout() throws Exception {
    byte[] req =
        Pcp.mapRequest(
            InetAddress.getByName("192.168.1.10"), HEX.parseHex(NONCE), 41641, 41641, null, 7200);
    assertArrayEquals(
        HEX.parseHex(
            "02010000"
                + "00001c20"
                + CLIENT
                + NONCE
                + "11000000"
                + "a2a9"
                + "a2a9"
                + "00000000000000000000ffff00000000"),
        req);
  }

  @Test
  void announceIsAHeaderWithLifetimeZero() throws Exception {
    assertArrayEquals(
        HEX.parseHex("02000000" + "00000000" + CLIENT),
        Pcp.announceRequest(InetAddress.getByName("192.168.1.10")));
  }

  @Test
  void decodesAMapResponse() throws Exception {
    byte[] b =
        HEX.parseHex(
            "02810000"
                + "00000078"
                + "00000005"
                + "000000000000000000000000"
                + NONCE
                + "11000000"
                + "a2a9"
                + "a2aa"
                + "00000000000000000000ffff0a96030c");
    Pcp.Mapped m = assertInstanceOf(Pcp.Mapped.class, Pcp.decode(b, 0, b.length));
    assertEquals(0, m.result());
    assertEquals(120, m.lifetime());
    assertEquals(5, m.epoch());
    assertArrayEquals(HEX.parseHex(NONCE), m.nonce());
    assertEquals(17, m.protocol());
    assertEquals(41641, m.internalPort());
    assertEquals(41642, m.externalPort());
    assertEquals(InetAddress.getByName("10.150.3.12"), m.externalAddress());
  }

  @Test
  void decodesAnErrorAndAnAnnounce() {
    byte[] refused = HEX.parseHex("02810002" + "00000000" + "00000005" + "0".repeat(24));
    assertNull(Pcp.decode(refused, 0, refused.length)); // a MAP answer needs its payload
    byte[] announce = HEX.parseHex("02800000" + "00000000" + "00000007" + "0".repeat(24));
    assertEquals(new Pcp.Announce(0, 0, 7), Pcp.decode(announce, 0, announce.length));
  }

  @Test
  void refusesWhatIsNotAResponse() throws Exception {
    byte[] req = Pcp.announceRequest(InetAddress.getByName("192.168.1.10"));
    assertNull(Pcp.decode(req, 0, req.length)); // R bit clear: a request
    byte[] pmp = HEX.parseHex("0080000100000000" + "0".repeat(32));
    assertNull(Pcp.decode(pmp, 0, pmp.length)); // NAT-PMP's version
    assertNull(Pcp.decode(new byte[10], 0, 10));
    assertNull(Pcp.decode(null, 0, 0));
  }
}
