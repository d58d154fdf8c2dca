package dev.trellis.agent.localapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every verb the CLI sends parses on the daemon's side (ping and netcheck were once refused). */
class RequestVerbsTest {
  @Test
  void everyCliVerbRoundTrips() {
    for (Request r :
        List.of(
            new Request("ping", Map.of("peer", "h2", "count", "3")),
            new Request("netcheck", Map.of()),
            new Request("dns", Map.of()),
            new Request("up", Map.of("login_server", "http://ctl", "accept_dns", "false")),
            new Request(
                "set",
                Map.of(
                    "advertise_routes", "10.0.0.0/8",
                    "advertise_exit_node", "true",
                    "accept_routes", "false",
                    "exit_node", "",
                    "exit_node_allow_lan_access", "true",
                    "snat_subnet_routes", "false")),
            new Request("up", Map.of("login_server", "http://ctl", "exit_node", "nas")),
            new Request("status", Map.of()),
            new Request("down", Map.of()),
            new Request("logout", Map.of()))) {
      List<String> lines = r.encode().lines().filter(l -> !l.isEmpty()).toList();
      assertEquals(r, Request.parse(lines));
    }
  }

  @Test
  void pingRefusesAFieldItDoesNotTake() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> Request.parse(List.of("ping", "auth_key=x")));
    assertEquals("'ping' takes no field 'auth_key'", e.getMessage());
  }
}
