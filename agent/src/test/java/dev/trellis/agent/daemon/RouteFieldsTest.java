package dev.trellis.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.localapi.Request;
import dev.trellis.agent.routes.RoutePrefs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Only the route fields a request gives change; bad ones are refused naming their flag. */
class RouteFieldsTest {
  private static final RoutePrefs SOME =
      RoutePrefs.DEFAULT
          .withAdvertiseRoutes(List.of("10.1.0.0/16"))
          .withAcceptRoutes(true)
          .withExitNode("exit1");

  private static RoutePrefs apply(RoutePrefs p, Map<String, String> fields) {
    return RouteFields.apply(p, new Request("set", fields));
  }

  @Test
  void fieldsNotGivenKeepTheirValue() {
    RoutePrefs p = apply(SOME, Map.of("snat_subnet_routes", "false"));
    assertEquals(SOME.withSnatSubnetRoutes(false), p);
    assertEquals(SOME, apply(SOME, Map.of()));
  }

  @Test
  void emptyClearsRoutesAndTheExitNode() {
    RoutePrefs p = apply(SOME, Map.of("advertise_routes", "", "exit_node", ""));
    assertEquals(List.of(), p.advertiseRoutes());
    assertEquals("", p.exitNode());
    assertTrue(p.acceptRoutes());
  }

  @Test
  void theOfferIsCanonicalAndAnExitNodeAddsBothDefaultRoutes() {
    RoutePrefs p =
        apply(
            RoutePrefs.DEFAULT,
            Map.of(
                "advertise_routes",
                "192.168.1.0/24, 10.0.0.0/8,192.168.1.0/24",
                "advertise_exit_node",
                "true"));
    assertEquals(List.of("10.0.0.0/8", "192.168.1.0/24"), p.advertiseRoutes());
    assertEquals(List.of("0.0.0.0/0", "10.0.0.0/8", "192.168.1.0/24", "::/0"), p.advertised());
  }

  @Test
  void badValuesNameTheFlag() {
    for (var bad :
        Map.of(
                "advertise_routes", "10.0.0.1/8",
                "accept_routes", "yes",
                "snat_subnet_routes", "1")
            .entrySet()) {
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> apply(SOME, Map.of(bad.getKey(), bad.getValue())));
      assertTrue(
          e.getMessage().startsWith("--" + bad.getKey().replace('_', '-') + ": "), e.getMessage());
    }
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> apply(SOME, Map.of("advertise_routes", "100.64.0.0/24")));
    assertTrue(e.getMessage().contains("100.64.0.0/24"), e.getMessage());
    assertTrue(e.getMessage().contains("tailnet"), e.getMessage());
  }
}
