package dev.trellis.agent.paths.portmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The default gateway read from the kernel's routing table text. */
class DefaultGatewayTest {
  private static final String HEADER =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

  @Test
  void readsTheDefaultRoutesGatewayLittleEndian() throws Exception {
    String table =
        HEADER
            + "eth0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
            + "eth0\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n";
    assertEquals(InetAddress.getByName("192.168.1.1"), DefaultGateway.parse(table));
  }

  @Test
  void noDefaultRouteNoGateway() {
    assertNull(
        DefaultGateway.parse(
            HEADER + "eth0\t0001A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"));
    assertNull(DefaultGateway.parse(""));
  }
}
