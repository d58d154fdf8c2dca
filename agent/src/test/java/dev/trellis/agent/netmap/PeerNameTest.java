package dev.trellis.agent.netmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PeerNameTest {
  @Test
  void aNodeIsNamedByItsFullOrShortNameInAnyCase() {
    String fqdn = "nas-1.acme.trellis.internal.";
    assertTrue(PeerName.matches(fqdn, "nas-1"));
    assertTrue(PeerName.matches(fqdn, "NAS-1"));
    assertTrue(PeerName.matches(fqdn, "nas-1.acme.trellis.internal"));
    assertTrue(PeerName.matches(fqdn, "nas-1.acme.trellis.internal."));
    assertFalse(PeerName.matches(fqdn, "nas"));
    assertFalse(PeerName.matches(fqdn, "nas-1.acme"));
    assertFalse(PeerName.matches("", "nas"));
    assertFalse(PeerName.matches(fqdn, ""));
    assertEquals("nas-1", PeerName.shortName(fqdn));
    assertEquals("nas-1.acme.trellis.internal", PeerName.full(fqdn));
  }
}
