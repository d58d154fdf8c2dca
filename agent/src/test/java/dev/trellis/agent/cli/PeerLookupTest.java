package dev.trellis.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.agent.localapi.NodeView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Names in the CLI: short names in status, and PEER given by short name, full name or address. */
class PeerLookupTest {
  static NodeView node(String id, String name, String... addresses) {
    return new NodeView(
        id, name, List.of(addresses), "", true, null, "", "idle", 0, 0, null, false);
  }

  static final AgentStatus STATUS =
      new AgentStatus(
          "Running",
          "",
          "",
          "http://ctl",
          "tl0",
          41641,
          node("n1", "laptop.acme.trellis.internal", "100.64.0.1/32"),
          List.of(
              node("n2", "nas.acme.trellis.internal", "100.64.0.2/32", "fd7a:115c:a1e0::2/128"),
              node("n3", "nas-1.acme.trellis.internal", "100.64.0.3/32"),
              node("n4", "db.other.trellis.internal", "100.64.0.4/32")),
          0);

  @Test
  void peersAreFoundByShortNameFullNameOrAddress() {
    assertEquals("n2", ClientCommands.find(STATUS, "nas").id());
    assertEquals("n3", ClientCommands.find(STATUS, "nas-1").id());
    assertEquals("n3", ClientCommands.find(STATUS, "NAS-1.acme.trellis.internal.").id());
    assertEquals("n2", ClientCommands.find(STATUS, "fd7a:115c:a1e0::2").id());
    assertEquals("n1", ClientCommands.find(STATUS, "laptop").id());
    assertNull(ClientCommands.find(STATUS, "printer"));
  }

  @Test
  void statusShowsShortNamesForTheTailnetsOwnDomain() {
    String text = StatusText.render(STATUS, Instant.now());
    // columns: address, name, owner, OS, path (no owner or OS known here)
    assertTrue(text.matches("(?s).*\n100\\.64\\.0\\.1  laptop +- +- +self\n.*"), text);
    assertTrue(text.matches("(?s).*\n100\\.64\\.0\\.3  nas-1 +- +- +idle.*"), text);
    assertTrue(text.contains("db.other.trellis.internal"), text);
  }
}
