package dev.trellis.agent.paths.portmap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * The port mapping decoders never throw on random bytes (a gateway, or anyone on the LAN, may send
 * anything to the mapper's socket), and what the encoders write round-trips through them.
 */
class PortMapCodecFuzzTest {
  @Property(tries = 3000)
  void natPmpDecodeNeverThrows(
      @ForAll @Size(max = 64) byte[] b,
      @ForAll @IntRange(min = -2, max = 70) int off,
      @ForAll @IntRange(min = -2, max = 70) int len,
      @ForAll @IntRange(min = 0, max = 255) int op) {
    if (b.length > 1) {
      b[0] = 0;
      b[1] = (byte) op;
    }
    NatPmp.decode(b, off, len);
    NatPmp.decode(b, 0, b.length);
  }

  @Property(tries = 3000)
  void pcpDecodeNeverThrows(
      @ForAll @Size(max = 120) byte[] b,
      @ForAll @IntRange(min = -2, max = 130) int off,
      @ForAll @IntRange(min = -2, max = 130) int len,
      @ForAll @IntRange(min = 0, max = 255) int op) {
    if (b.length > 1) {
      b[0] = Pcp.VERSION;
      b[1] = (byte) op;
    }
    Pcp.decode(b, off, len);
    Pcp.decode(b, 0, b.length);
  }

  @Property(tries = 500)
  void pcpMapRoundTrips(
      @ForAll @Size(value = 12) byte[] nonce,
      @ForAll @IntRange(min = 1, max = 65535) int internal,
      @ForAll @IntRange(min = 0, max = 65535) int external,
      @ForAll @Size(value = 4) byte[] ext,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int lifetime)
      throws Exception {
    byte[] req =
        Pcp.mapRequest(
            InetAddress.getByName("192.168.1.10"),
            nonce,
            internal,
            external,
            InetAddress.getByAddress(ext),
            lifetime);
    // a gateway's answer repeats the request's payload: set the R bit and read it back
    byte[] resp = req.clone();
    resp[1] |= (byte) 0x80;
    Pcp.Mapped m = (Pcp.Mapped) Pcp.decode(resp, 0, resp.length);
    assertEquals(internal, m.internalPort());
    assertEquals(external, m.externalPort());
    assertEquals(InetAddress.getByAddress(ext), m.externalAddress());
    assertEquals(lifetime, m.lifetime());
  }

  @Property(tries = 500)
  void natPmpMapRoundTrips(
      @ForAll @IntRange(min = 1, max = 65535) int internal,
      @ForAll @IntRange(min = 0, max = 65535) int external,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int lifetime) {
    byte[] req = NatPmp.mapRequest(internal, external, lifetime);
    // the response puts result and epoch where the request has reserved and ports
    byte[] resp = new byte[16];
    resp[1] = (byte) (NatPmp.RESPONSE + NatPmp.OP_MAP_UDP);
    System.arraycopy(req, 4, resp, 8, 8);
    NatPmp.Mapped m = (NatPmp.Mapped) NatPmp.decode(resp, 0, resp.length);
    assertEquals(internal, m.internalPort());
    assertEquals(external, m.externalPort());
    assertEquals(lifetime, m.lifetime());
  }
}
