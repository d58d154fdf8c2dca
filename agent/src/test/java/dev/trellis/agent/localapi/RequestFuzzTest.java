package dev.trellis.agent.localapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The control socket's request and status parsers take any text without crashing. */
class RequestFuzzTest {
  @Test
  void upRoundTripsAndHidesTheAuthKey() {
    Request up =
        new Request(
            "up",
            Map.of(
                "login_server",
                "http://ctl:8080",
                "auth_key",
                "tskey-secret",
                "force_reauth",
                "true"));
    Request back = Request.parse(lines(up.encode()));
    assertEquals(up, back);
    assertFalse(up.toString().contains("tskey-secret"));
  }

  @Test
  void unknownVerbsFieldsAndDuplicatesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> Request.parse(List.of("reboot")));
    assertThrows(IllegalArgumentException.class, () -> Request.parse(List.of("down", "x=1")));
    assertThrows(
        IllegalArgumentException.class,
        () -> Request.parse(List.of("up", "hostname=a", "hostname=b")));
    assertThrows(IllegalArgumentException.class, () -> Request.parse(List.of()));
    assertEquals("get", Request.parse(List.of("get")).verb());
  }

  @Property(tries = 2000)
  void anyLinesAreARequestOrAClearError(@ForAll List<String> raw) {
    try {
      Request r = Request.parse(raw);
      assertEquals(r, Request.parse(lines(r.encode())));
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage() != null);
    }
  }

  @Property(tries = 2000)
  void anyTextIsAStatusOrAClearError(@ForAll String text) {
    try {
      AgentStatus s = AgentStatusCodec.decode(lines(text));
      assertEquals(s, AgentStatusCodec.decode(lines(AgentStatusCodec.encode(s))));
    } catch (IllegalArgumentException e) {
      assertTrue(e.getMessage() != null);
    }
  }

  @Test
  void statusRoundTrips() {
    NodeView self =
        new NodeView(
            "n1",
            "me.ts.example",
            List.of("100.64.0.1/32"),
            "nodekey:00",
            true,
            null,
            "",
            "self",
            0,
            0,
            Instant.ofEpochMilli(5000),
            false);
    NodeView peer =
        new NodeView(
            "n2",
            "peer",
            List.of("100.64.0.2/32", "fd7a:115c:a1e0::2/128"),
            "nodekey:11",
            null,
            Instant.ofEpochMilli(1234),
            "10.0.0.2:41641",
            "direct",
            10,
            20,
            null,
            true);
    AgentStatus s =
        new AgentStatus("Running", "", "", "http://ctl", "trellis0", 41641, self, List.of(peer));
    assertEquals(s, AgentStatusCodec.decode(lines(AgentStatusCodec.encode(s))));
  }

  private static List<String> lines(String text) {
    List<String> l = new java.util.ArrayList<>(Arrays.asList(text.split("\n", -1)));
    while (!l.isEmpty() && l.get(l.size() - 1).isEmpty()) {
      l.remove(l.size() - 1);
    }
    return l;
  }
}
