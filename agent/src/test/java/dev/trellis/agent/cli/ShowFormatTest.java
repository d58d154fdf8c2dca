package dev.trellis.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.device.PeerStatus;
import dev.trellis.agent.localapi.InterfaceStatus;
import dev.trellis.proto.key.NodePrivateKey;
import dev.trellis.proto.net.IpLiteral;
import dev.trellis.proto.net.IpPrefix;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShowFormatTest {
  @Test
  void rendersLikeWgShow() throws Exception {
    var me = NodePrivateKey.generate().publicKey();
    var peer = NodePrivateKey.generate().publicKey();
    Instant now = Instant.parse("2026-11-24T12:00:00Z");
    InterfaceStatus s =
        new InterfaceStatus(
            "trellis0",
            me,
            51820,
            List.of(
                new PeerStatus(
                    peer,
                    new Endpoint(InetAddress.getByName("192.0.2.1"), 51821),
                    now.minusSeconds(65),
                    1536,
                    3 * 1024 * 1024,
                    List.of(IpPrefix.parse("10.0.0.2/32"), IpPrefix.parse("fd00::2/128")),
                    Duration.ofSeconds(25))),
            Map.of("packets_sent", 3L));
    String text = ShowFormat.render(s, now, true);
    assertEquals(
        """
        interface: trellis0
          public key: %s
          private key: (hidden)
          listening port: 51820

        peer: %s
          endpoint: 192.0.2.1:51821
          allowed ips: 10.0.0.2/32, fd00::2/128
          latest handshake: 1 minute, 5 seconds ago
          transfer: 1.50 KiB received, 3.00 MiB sent
          persistent keepalive: every 25 seconds

        counters:
          packets_sent: 3
        """
            .formatted(me.toBase64(), peer.toBase64()),
        text);
  }

  @Test
  void writesAddressesAsWgDoes() throws Exception {
    assertEquals("fd00::1", IpLiteral.format(InetAddress.getByName("fd00:0:0:0:0:0:0:1")));
    assertEquals("::", IpLiteral.format(InetAddress.getByName("::")));
    assertEquals("1:0:2::3", IpLiteral.format(InetAddress.getByName("1:0:2:0:0:0:0:3")));
    assertTrue(ShowFormat.ago(Duration.ZERO).equals("Now"));
    assertEquals("1 hour, 1 second ago", ShowFormat.ago(Duration.ofSeconds(3601)));
    assertEquals("512 B", ShowFormat.bytes(512));
  }
}
