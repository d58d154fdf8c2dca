package dev.trellis.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.AddressAllocated;
import dev.trellis.proto.event.v1.UserRole;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterTest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The nodes admin API on both instances, and the isolation of tailnets. */
@ClusterTest
class AdminApiTest {

  @Test
  void listShowRenameTagExpireRevokeDelete(KeysCluster c) throws Exception {
    String tn = c.tailnet();
    String admin = c.token(tn, UserRole.ADMIN, false);
    String a =
        c.service(0)
            .post("/api/v1/internal/nodes/register", new Device("alpha").register(tn))
            .text("nodeId");
    String b =
        c.service(1)
            .post("/api/v1/internal/nodes/register", new Device("beta").register(tn))
            .text("nodeId");
    c.append(
        Topics.IPAM,
        new Events(Clock.systemUTC())
            .draft(
                tn,
                a,
                Actor.newBuilder().setKind(Actor.Kind.SYSTEM).setId("service:ipam").build(),
                AddressAllocated.newBuilder()
                    .setNodeId(a)
                    .setIpv4("100.64.0.7")
                    .setIpv6("fd7a:115c:a1e0::7")
                    .build())
            .build());

    var list = c.api(1, admin).get("/api/v1/nodes?tailnet=" + tn);
    assertEquals(200, list.status(), list.body());
    List<String> names = new ArrayList<>();
    list.json().path("nodes").forEach(n -> names.add(n.path("name").asText()));
    assertEquals(List.of("alpha", "beta"), names);
    assertTrue(list.json().path("nodes").get(0).path("machineKey").asText().startsWith("mkey:"));
    assertEquals(200, c.api(0, admin).get("/api/v1/nodes").status(), "default: own tailnet");

    LifecycleTest.waitUntil(
        () -> c.api(0, admin).get("/api/v1/nodes/" + a).json().path("addresses").size() == 2);
    assertEquals(
        "100.64.0.7",
        c.api(0, admin).get("/api/v1/nodes/" + a).json().path("addresses").get(0).asText());

    var renamed = c.api(0, admin).post("/api/v1/nodes/" + a + "/rename", Map.of("name", "db-1"));
    assertEquals("db-1", renamed.text("name"), renamed.body());
    var taken = c.api(1, admin).post("/api/v1/nodes/" + b + "/rename", Map.of("name", "db-1"));
    assertEquals("CONFLICT", taken.code(), taken.body());
    var invalid =
        c.api(1, admin).post("/api/v1/nodes/" + b + "/rename", Map.of("name", "Bad Name"));
    assertEquals(400, invalid.status());
    var alphaFree = c.api(1, admin).post("/api/v1/nodes/" + b + "/rename", Map.of("name", "alpha"));
    assertEquals("alpha", alphaFree.text("name"), "the old name is free again");

    // Only tags the tailnet's policy defines in tagOwners, as registration requires.
    var undefined =
        c.api(0, admin)
            .post("/api/v1/nodes/" + a + "/tags", Map.of("tags", List.of("tag:web", "tag:db")));
    assertEquals(403, undefined.status(), undefined.body());
    assertEquals("tags[0]", undefined.json().path("error").path("field").asText());
    assertEquals(
        "tag:web is not defined in tagOwners",
        undefined.json().path("error").path("message").asText());
    c.defineTags(tn, "tag:web");
    var unowned =
        c.api(1, admin)
            .post("/api/v1/nodes/" + a + "/tags", Map.of("tags", List.of("tag:web", "tag:db")));
    assertEquals(403, unowned.status(), unowned.body());
    assertEquals("tags[1]", unowned.json().path("error").path("field").asText());
    assertEquals(
        "", c.api(0, admin).get("/api/v1/nodes/" + a).json().path("tags").path(0).asText());
    c.defineTags(tn, "tag:web", "tag:db");
    var tagged =
        c.api(0, admin)
            .post("/api/v1/nodes/" + a + "/tags", Map.of("tags", List.of("tag:web", "tag:db")));
    assertEquals(200, tagged.status(), tagged.body());
    assertEquals("[\"tag:db\",\"tag:web\"]", tagged.json().path("tags").toString());
    assertEquals("", tagged.text("userId"));
    var badTag =
        c.api(0, admin).post("/api/v1/nodes/" + a + "/tags", Map.of("tags", List.of("web")));
    assertEquals("tags[0]", badTag.json().path("error").path("field").asText());
    var untag = c.api(0, admin).post("/api/v1/nodes/" + a + "/tags", Map.of("tags", List.of()));
    assertEquals(400, untag.status(), "a tagged node keeps a tag");

    var expired = c.api(1, admin).post("/api/v1/nodes/" + a + "/expire", "{}");
    assertTrue(expired.json().path("expired").asBoolean(), expired.body());
    var revoked = c.api(1, admin).post("/api/v1/nodes/" + b + "/revoke", Map.of("reason", "lost"));
    assertTrue(revoked.json().path("revoked").asBoolean(), revoked.body());

    var deleted = c.api(0, admin).delete("/api/v1/nodes/" + a);
    assertEquals(200, deleted.status(), deleted.body());
    assertEquals(404, c.api(1, admin).get("/api/v1/nodes/" + a).status());
    assertEquals(200, c.api(1, admin).post("/api/v1/nodes/" + b + "/remove", "{}").status());
    JsonNode after = c.api(0, admin).get("/api/v1/nodes?tailnet=" + tn).json();
    assertEquals(0, after.path("nodes").size());
  }

  @Test
  void anotherTailnetsNodesAreNotFound(KeysCluster c) {
    String tnA = c.tailnet();
    String tnB = c.tailnet();
    String tokenA = c.token(tnA, UserRole.OWNER, false);
    String tokenB = c.token(tnB, UserRole.OWNER, false);
    String nodeB =
        c.service(0)
            .post("/api/v1/internal/nodes/register", new Device("secret").register(tnB))
            .text("nodeId");
    for (int i = 0; i < 2; i++) {
      Api api = c.api(i, tokenA);
      assertEquals("NODE_NOT_FOUND", api.get("/api/v1/nodes/" + nodeB).code());
      assertEquals("NODE_NOT_FOUND", api.get("/api/v1/nodes/does-not-exist").code());
      assertEquals("TAILNET_NOT_FOUND", api.get("/api/v1/nodes?tailnet=" + tnB).code());
      assertEquals("NODE_NOT_FOUND", api.delete("/api/v1/nodes/" + nodeB).code());
      for (String op : List.of("expire", "approve", "remove")) {
        assertEquals(
            "NODE_NOT_FOUND", api.post("/api/v1/nodes/" + nodeB + "/" + op, "{}").code(), op);
      }
      assertEquals(
          "NODE_NOT_FOUND",
          api.post("/api/v1/nodes/" + nodeB + "/rename", Map.of("name", "x")).code());
      assertEquals(
          "NODE_NOT_FOUND",
          api.post("/api/v1/nodes/" + nodeB + "/tags", Map.of("tags", List.of("tag:x"))).code());
      assertEquals(
          "NODE_NOT_FOUND",
          api.post("/api/v1/nodes/" + nodeB + "/key-expiry", Map.of("disabled", true)).code());
    }
    assertEquals(0, c.api(0, tokenA).get("/api/v1/nodes").json().path("nodes").size());
    assertEquals(1, c.api(1, tokenB).get("/api/v1/nodes").json().path("nodes").size());
    assertEquals(200, c.api(1, tokenB).get("/api/v1/nodes/" + nodeB).status());
    assertEquals(200, c.api(1, c.adminToken).get("/api/v1/nodes/" + nodeB).status());
    assertEquals(401, c.api(0, "trellis-api-0000").get("/api/v1/nodes").status());
  }
}
