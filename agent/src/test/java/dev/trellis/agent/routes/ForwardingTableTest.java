package dev.trellis.agent.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The router's nftables chains, with SNAT and without. */
class ForwardingTableTest {
  @Test
  void withSnatPacketsFromTheTunAreMarkedAndMasqueraded() {
    assertEquals(
        """
          chain forward {
            type filter hook forward priority 0; policy accept;
            iifname "t0" meta mark set meta mark or 0x40000 accept
            oifname "t0" accept
          }
          chain postrouting {
            type nat hook postrouting priority 100; policy accept;
            oifname != "t0" meta mark and 0x40000 == 0x40000 counter masquerade
          }
        """,
        ForwardingTable.body("t0", true));
  }

  @Test
  void withoutSnatOnlyForwarding() {
    assertEquals(
        """
          chain forward {
            type filter hook forward priority 0; policy accept;
            iifname "t0" accept
            oifname "t0" accept
          }
        """,
        ForwardingTable.body("t0", false));
  }
}
