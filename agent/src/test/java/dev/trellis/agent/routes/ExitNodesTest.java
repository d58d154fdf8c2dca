package dev.trellis.agent.routes;

import static dev.trellis.agent.routes.RouteNodes.exit;
import static dev.trellis.agent.routes.RouteNodes.map;
import static dev.trellis.agent.routes.RouteNodes.node;
import static dev.trellis.agent.routes.RouteNodes.plain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.netmap.Netmap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** --exit-node names a peer by name, short name or address, and only an approved exit node. */
class ExitNodesTest {
  private final Netmap m =
      map(plain(1), exit(2), node(3, List.of("0.0.0.0/0", "::/0"), List.of(), List.of()), plain(4));

  @Test
  void namesAndAddressesFindThePeer() {
    for (String q :
        List.of(
            "h2",
            "H2",
            "h2.acme.trellis.internal",
            "h2.acme.trellis.internal.",
            "100.64.0.2",
            "fd7a:115c:a1e0::2",
            "fd7a:115c:a1e0:0::2")) {
      assertEquals("n2", ExitNodes.chosen(m, q).getId(), q);
      assertNull(ExitNodes.problem(m, q), q);
    }
  }

  @Test
  void unknownOrUnapprovedPeersAreRefusedClearly() {
    assertEquals("--exit-node: no peer named 'h9' in the netmap", ExitNodes.problem(m, "h9"));
    assertEquals("--exit-node: 'h4' is not an approved exit node", ExitNodes.problem(m, "h4"));
    String offered = ExitNodes.problem(m, "h3");
    assertTrue(offered.contains("offers to be one; an admin must approve it"), offered);
    assertNull(ExitNodes.chosen(m, "h3"));
    assertNull(ExitNodes.chosen(m, ""), "none chosen");
    assertNull(ExitNodes.peer(m, "h1"), "self is not a peer");
  }
}
