package dev.trellis.agent.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.trellis.agent.filter.PacketFilter;
import dev.trellis.proto.control.v1.DestinationPorts;
import dev.trellis.proto.control.v1.FilterRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The device's filter hook with the real packet filter, between two in-memory devices: a refused
 * inbound packet never reaches the TUN and is counted as FILTERED, the reply to a ping this device
 * sent is let in, a rule opens access, and no filter allows everything.
 */
class DeviceFilterTest {
  static TrafficFilter hook(PacketFilter f) {
    return new TrafficFilter() {
      @Override
      public boolean allowInbound(byte[] packet, int off, int len) {
        return f.allowInbound(packet, off, len);
      }

      @Override
      public void noteOutbound(byte[] packet, int off, int len) {
        f.noteOutbound(packet, off, len);
      }
    };
  }

  static byte[] echoReply(byte[] request) {
    byte[] p = request.clone();
    byte[] src = java.util.Arrays.copyOfRange(p, 12, 16);
    System.arraycopy(p, 16, p, 12, 4);
    System.arraycopy(src, 0, p, 16, 4);
    p[20] = 0; // echo reply; checksums are not what the filter looks at
    return p;
  }

  @Test
  void refusedPacketsAreDroppedBeforeTheTunAndRepliesToOwnPingsPass() throws Exception {
    try (TwoDevices d = new TwoDevices()) {
      d.configure(null, null, true, true);
      PacketFilter onB = new PacketFilter(d.clock, PacketFilter.Options.DEFAULT);
      d.b.filter(hook(onB));

      d.tunA.inject(Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 1, 56));
      assertNull(d.tunB.poll(700), "no rule lets A in");
      assertEquals(1, d.b.counters().drops(DropReason.FILTERED));

      byte[] fromB = Packets.icmp4Echo("10.0.0.2", "10.0.0.1", 7, 56);
      d.tunB.inject(fromB);
      assertNotNull(d.tunA.poll(3000), "B's own ping goes out");
      d.tunA.inject(echoReply(fromB));
      assertNotNull(d.tunB.poll(3000), "the reply to B's ping is return traffic");

      onB.reconfigure(
          List.of(
              FilterRule.newBuilder()
                  .addSrcPrefixes("10.0.0.1/32")
                  .addDestinations(DestinationPorts.newBuilder().setPrefix("*"))
                  .addIpProtocols(1)
                  .build()));
      DevicePingTest.ping(d.tunA, d.tunB, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 2, 56));

      d.b.filter(null);
      onB.reconfigure(List.of());
      DevicePingTest.ping(d.tunA, d.tunB, Packets.icmp4Echo("10.0.0.1", "10.0.0.2", 3, 56));
      assertEquals(1, d.b.counters().drops(DropReason.FILTERED));
    }
  }
}
