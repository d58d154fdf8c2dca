package dev.trellis.agent.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The resolvectl commands for systemd-resolved (pure: this machine has no systemd, so the commands
 * are checked as text; running them is left to systems with resolved).
 */
class ResolvedLinkTest {
  @Test
  void splitDnsRegistersRoutingDomainsAndKeepsTheDefaultRouteElsewhere() {
    OsDnsConfig c =
        new OsDnsConfig(
            List.of(ResolverAddress.V4, ResolverAddress.V6),
            List.of("acme.trellis.internal", "corp.example"),
            List.of("acme.trellis.internal", "corp.test", "db.internal"),
            false);
    assertEquals(
        List.of(
            List.of("dns", "trellis0", "100.100.100.100", "fd7a:115c:a1e0::53"),
            List.of(
                "domain",
                "trellis0",
                "~corp.test",
                "~db.internal",
                "acme.trellis.internal",
                "corp.example"),
            List.of("default-route", "trellis0", "no")),
        ResolvedLink.commands("trellis0", c));
  }

  @Test
  void globalResolversMakeTheLinkTheDefaultRoute() {
    OsDnsConfig c = new OsDnsConfig(List.of(ResolverAddress.V4), List.of(), List.of(), true);
    assertEquals(
        List.of(
            List.of("dns", "tl0", "100.100.100.100"),
            List.of("domain", "tl0", "~."),
            List.of("default-route", "tl0", "yes")),
        ResolvedLink.commands("tl0", c));
  }
}
