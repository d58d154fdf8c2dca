package dev.trellis.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.agent.localapi.AgentStatus;
import dev.trellis.agent.localapi.AgentStatusCodec;
import dev.trellis.agent.localapi.NodeRoutes;
import dev.trellis.agent.localapi.NodeView;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusTextTest {
  private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

  private static NodeView node(
      String name,
      int host,
      String os,
      Boolean online,
      String endpoint,
      String connection,
      long tx,
      long rx,
      Instant expiry,
      boolean expired) {
    return owned(name, host, os, "", online, endpoint, connection, tx, rx, expiry, expired);
  }

  private static NodeView owned(
      String name,
      int host,
      String os,
      String owner,
      Boolean online,
      String endpoint,
      String connection,
      long tx,
      long rx,
      Instant expiry,
      boolean expired) {
    return new NodeView(
        "n" + host,
        name,
        List.of("100.64.0." + host + "/32", "fd7a:115c:a1e0::" + host + "/128"),
        "",
        online,
        null,
        endpoint,
        connection,
        rx,
        tx,
        expiry,
        expired,
        os,
        owner);
  }

  @Test
  void eachPeerShowsNameAddressOwnerOsPathAndBytes() {
    AgentStatus s =
        new AgentStatus(
            "Running",
            "",
            "",
            "http://ctl",
            "trellis0",
            41641,
            owned(
                "me.ts.net",
                1,
                "linux",
                "alice@example.com",
                true,
                "",
                "self",
                0,
                0,
                NOW.plus(Duration.ofDays(90)),
                false),
            List.of(
                owned(
                    "db.ts.net",
                    2,
                    "linux",
                    "tag:db,tag:prod",
                    true,
                    "10.0.0.2:41641",
                    "direct",
                    1536,
                    880,
                    null,
                    false),
                owned(
                    "web.ts.net",
                    3,
                    "windows",
                    "bob@example.com",
                    true,
                    "",
                    "relay:fra",
                    3L << 20,
                    1,
                    null,
                    false),
                node("idle.ts.net", 4, "", true, "", "idle", 0, 0, null, false),
                node("phone.ts.net", 5, "ios", false, "", "idle", 0, 0, null, false),
                owned(
                    "old.ts.net",
                    6,
                    "linux",
                    "bob@example.com",
                    true,
                    "",
                    "expired",
                    0,
                    0,
                    NOW,
                    true)));
    assertEquals(
        """
        state: Running
        100.64.0.1  me     alice@example.com  linux    self
        100.64.0.2  db     tag:db,tag:prod    linux    active; direct 10.0.0.2:41641  tx 1.5 KiB  rx 880 B
        100.64.0.3  web    bob@example.com    windows  active; relay "fra"            tx 3.0 MiB  rx 1 B
        100.64.0.4  idle   -                  -        idle
        100.64.0.5  phone  -                  ios      offline
        100.64.0.6  old    bob@example.com    linux    expired
        """,
        StatusText.render(s, NOW));
    // the OS and the owner cross the local API
    String wire = AgentStatusCodec.encode(s);
    assertTrue(wire.contains("owner=tag:db,tag:prod\n"), wire);
    AgentStatus back = AgentStatusCodec.decode(Arrays.asList(wire.strip().split("\n")));
    assertEquals(s, back);
    assertEquals("bob@example.com", back.peers().get(1).owner());
    // a newer daemon's keys, at the top and in a node, are skipped; a malformed key is not
    String newer =
        wire.replace("state=", "newer_top_key=x\nstate=").replace("os=", "routes=10.0.0.0/8\nos=");
    assertEquals(s, AgentStatusCodec.decode(Arrays.asList(newer.strip().split("\n"))));
    String bad = wire.replace("os=", "Os Name=x\nos=");
    assertThrows(
        IllegalArgumentException.class,
        () -> AgentStatusCodec.decode(Arrays.asList(bad.strip().split("\n"))));
    // and the JSON
    String json = StatusJson.render(s);
    assertTrue(json.contains("\"owner\":\"alice@example.com\""), json);
    assertTrue(json.contains("\"owner\":\"tag:db,tag:prod\""), json);
  }

  @Test
  void routesShowForSelfAndPeersAndCrossTheLocalApi() {
    List<String> exit = List.of("0.0.0.0/0", "::/0");
    NodeView self =
        node("me.ts.net", 1, "linux", true, "", "self", 0, 0, null, false)
            .withRoutes(
                new NodeRoutes(
                    List.of("0.0.0.0/0", "192.168.1.0/24", "::/0"),
                    List.of("192.168.1.0/24"),
                    List.of("192.168.1.0/24"),
                    false,
                    false));
    NodeView router =
        node("db.ts.net", 2, "linux", true, "", "idle", 0, 0, null, false)
            .withRoutes(
                new NodeRoutes(
                    List.of(),
                    List.of("10.1.0.0/16", "10.2.0.0/16"),
                    List.of("10.1.0.0/16"),
                    false,
                    false));
    NodeView gw =
        node("gw.ts.net", 3, "linux", true, "", "idle", 0, 0, null, false)
            .withRoutes(new NodeRoutes(exit, exit, List.of(), true, true));
    NodeView other =
        node("gw2.ts.net", 4, "linux", true, "", "idle", 0, 0, null, false)
            .withRoutes(new NodeRoutes(exit, exit, List.of(), true, false));
    AgentStatus s =
        new AgentStatus(
            "Running", "", "", "", "trellis0", 41641, self, List.of(router, gw, other), 0, "gw");
    assertEquals(
        """
        state: Running
        routes: offers 192.168.1.0/24, exit node; in force 192.168.1.0/24 (primary)
        exit node: gw
        100.64.0.1  me   -  linux  self
        100.64.0.2  db   -  linux  idle    routes 10.1.0.0/16 (primary), 10.2.0.0/16 (standby)
        100.64.0.3  gw   -  linux  idle    exit node (in use)
        100.64.0.4  gw2  -  linux  idle    exit node
        """,
        StatusText.render(s, NOW));
    String wire = AgentStatusCodec.encode(s);
    assertTrue(wire.contains("exit_node=gw\n"), wire);
    assertTrue(wire.contains("primary_route=10.1.0.0/16\n"), wire);
    assertEquals(s, AgentStatusCodec.decode(Arrays.asList(wire.strip().split("\n"))));
    String json = StatusJson.render(s);
    assertTrue(json.contains("\"exitNode\":\"gw\""), json);
    assertTrue(
        json.contains(
            "\"approvedRoutes\":[\"10.1.0.0/16\",\"10.2.0.0/16\"],"
                + "\"primaryRoutes\":[\"10.1.0.0/16\"],\"exitNodeOption\":false"),
        json);
    assertTrue(json.contains("\"exitNodeOption\":true,\"exitNodeActive\":true"), json);
    // an exit node asked for that is not (or no longer) an approved one says so
    AgentStatus gone =
        new AgentStatus(
            "Running", "", "", "", "trellis0", 41641, self, List.of(router, other), 0, "gw");
    assertTrue(
        StatusText.render(gone, NOW)
            .contains("exit node: gw (not in use: no approved exit node by that name)\n"));
  }

  @Test
  void warnsWhenThisDevicesKeyExpiresWithinFourteenDays() {
    AgentStatus soon =
        new AgentStatus(
            "Running",
            "",
            "",
            "",
            "trellis0",
            41641,
            node("me", 1, "linux", true, "", "self", 0, 0, NOW.plus(Duration.ofDays(13)), false),
            List.of());
    assertTrue(
        StatusText.render(soon, NOW)
            .contains(
                "warning: this device's key expires in 13 days (2026-12-20T00:00:00Z);"
                    + " run 'trellis up --force-reauth' to renew it\n"));
    AgentStatus later =
        new AgentStatus(
            "Running",
            "",
            "",
            "",
            "trellis0",
            41641,
            node("me", 1, "linux", true, "", "self", 0, 0, NOW.plus(Duration.ofDays(15)), false),
            List.of());
    assertFalse(StatusText.render(later, NOW).contains("warning"));
    AgentStatus gone =
        new AgentStatus(
            "NeedsLogin",
            "",
            "",
            "",
            "trellis0",
            41641,
            node("me", 1, "linux", true, "", "self", 0, 0, NOW.minusSeconds(1), true),
            List.of());
    assertTrue(StatusText.render(gone, NOW).contains("warning: this device's key expired at"));
  }
}
