package dev.trellis.agent.routes;

import static dev.trellis.agent.routes.RouteNodes.node;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.proto.control.v1.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A peer's allowed IPs carry only the routes this device asked for. */
class PeerRoutesTest {
  private static final List<String> ADDRS = List.of("100.64.0.5/32", "fd7a:115c:a1e0::5/128");
  // a subnet router for two subnets (primary for one of them) that is also an exit node
  private static final Node ROUTER =
      node(
          5,
          List.of("0.0.0.0/0", "10.1.0.0/16", "192.168.5.0/24", "::/0"),
          List.of("0.0.0.0/0", "10.1.0.0/16", "192.168.5.0/24", "::/0"),
          List.of("192.168.5.0/24"));

  @Test
  void byDefaultOnlyTheAddresses() {
    assertEquals(ADDRS, PeerRoutes.allowedIps(ROUTER, RoutePrefs.DEFAULT, null));
  }

  @Test
  void acceptRoutesAddsThePrimaryRoutesOnly() {
    assertEquals(
        List.of("100.64.0.5/32", "fd7a:115c:a1e0::5/128", "192.168.5.0/24"),
        PeerRoutes.allowedIps(ROUTER, RoutePrefs.DEFAULT.withAcceptRoutes(true), null));
  }

  @Test
  void theDefaultRoutesOnlyForTheChosenExitNode() {
    assertEquals(
        List.of("100.64.0.5/32", "fd7a:115c:a1e0::5/128", "0.0.0.0/0", "::/0"),
        PeerRoutes.allowedIps(ROUTER, RoutePrefs.DEFAULT, "n5"));
    assertEquals(ADDRS, PeerRoutes.allowedIps(ROUTER, RoutePrefs.DEFAULT, "n6"));
  }
}
