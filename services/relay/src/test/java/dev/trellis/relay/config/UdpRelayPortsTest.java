package dev.trellis.relay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.runtime.config.ConfigException;
import org.junit.jupiter.api.Test;

/** {@code --udp-relay-ports}: a range, one port, any, off; nothing else. */
class UdpRelayPortsTest {
  @Test
  void rangesPortsAnyAndOffParse() {
    assertEquals(new UdpRelayPorts(3479, 3978), UdpRelayPorts.parse("3479-3978"));
    assertEquals(500, UdpRelayPorts.parse("3479-3978").size());
    assertEquals(new UdpRelayPorts(4000, 4000), UdpRelayPorts.parse(" 4000 "));
    assertEquals(UdpRelayPorts.ANY, UdpRelayPorts.parse("any"));
    assertTrue(UdpRelayPorts.ANY.enabled());
    assertFalse(UdpRelayPorts.parse("off").enabled());
    assertEquals("3479-3978", UdpRelayPorts.parse("3479-3978").toString());
  }

  @Test
  void anythingElseIsRefused() {
    for (String bad : new String[] {"", "x", "10-5", "0-10", "1-70000", "-1", "1-2-3"}) {
      assertThrows(ConfigException.class, () -> UdpRelayPorts.parse(bad), bad);
    }
  }
}
