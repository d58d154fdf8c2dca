package dev.trellis.agent.paths.udprelay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.proto.key.NodePublicKey;
import dev.trellis.proto.net.IpLiteral;
import dev.trellis.proto.relay.RelayFrame;
import dev.trellis.proto.relay.UdpRelayBind;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Binds grow their counter and verify with the side's secret; both peers pick one region. */
class UdpRelaySessionTest {
  private static NodePublicKey key(int first) {
    byte[] b = new byte[32];
    b[0] = (byte) first;
    return NodePublicKey.fromBytes(b);
  }

  @Test
  void bindsCarryTheSessionAndAGrowingCounter() {
    byte[] secret = new byte[32];
    Arrays.fill(secret, (byte) 7);
    var frame = new RelayFrame.UdpRelaySession(key(1), 0x1234L, 1, secret, 3479);
    var s = new UdpRelaySession(frame, IpLiteral.parse("192.0.2.9"), 5);
    assertEquals(3479, s.endpoint().port());
    byte[] first = s.bind(1);
    byte[] second = s.bind(2);
    var f1 = UdpRelayBind.decode(first, 0, first.length);
    var f2 = UdpRelayBind.decode(second, 0, second.length);
    assertEquals(0x1234L, f1.sessionId());
    assertEquals(1, f1.side());
    assertTrue(Long.compareUnsigned(f2.counter(), f1.counter()) > 0);
    assertTrue(UdpRelayBind.verify(second, 0, second.length, secret));
    assertTrue(s.sameAs(frame, IpLiteral.parse("192.0.2.9")));
  }

  @Test
  void bothPeersChooseTheSameRegion() {
    NodePublicKey low = key(0x01);
    NodePublicKey high = key(0xf0); // above 0x01 as an unsigned byte
    assertEquals(3, UdpRelayRegion.choose(low, 3, high, 7));
    assertEquals(3, UdpRelayRegion.choose(high, 7, low, 3));
    assertEquals(7, UdpRelayRegion.choose(low, 0, high, 7), "the lower key has no home yet");
    assertEquals(7, UdpRelayRegion.choose(high, 7, low, 0));
  }
}
