package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.testkit.ClusterTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Users with roles, through both instances, over real Kafka and Hazelcast. */
@ClusterTest
class UsersTest {
  static IdentityCluster cluster;
  static String tailnet;

  @BeforeAll
  static void tailnet(IdentityCluster c) {
    cluster = c;
    tailnet = "users-" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(201, c.admin(0).post("/api/v1/tailnets", Map.of("name", tailnet)).status());
  }

  @Test
  void invitedUserIsListedOnTheOtherInstanceAndRolesChange() {
    var created =
        cluster
            .admin(0)
            .post(
                "/api/v1/users",
                Map.of("tailnet", tailnet, "email", "Ada@Example.com", "role", "admin"));
    assertEquals(201, created.status(), created.body());
    assertEquals("ada@example.com", created.text("email"));
    assertEquals("admin", created.text("role"));
    String id = created.text("id");

    var list = cluster.admin(1).get("/api/v1/users?tailnet=" + tailnet);
    assertEquals(200, list.status());
    assertTrue(list.body().contains(id));

    var dup =
        cluster
            .admin(1)
            .post("/api/v1/users", Map.of("tailnet", tailnet, "email", "ada@example.com"));
    assertEquals(409, dup.status());
    assertEquals("USER_EXISTS", dup.code());

    var changed = cluster.admin(1).post("/api/v1/users/" + id + "/role", Map.of("role", "auditor"));
    assertEquals(200, changed.status(), changed.body());
    assertEquals("auditor", changed.text("role"));

    var removed = cluster.admin(0).post("/api/v1/users/" + id + "/remove", "");
    assertEquals(200, removed.status(), removed.body());
    var after = cluster.admin(1).get("/api/v1/users?tailnet=" + tailnet);
    assertTrue(!after.body().contains(id), after.body());
  }

  @Test
  void concurrentInvitesOfOneEmailThroughBothInstancesCreateOneUser() throws Exception {
    String email = "dup-" + UUID.randomUUID() + "@example.com";
    var body = Map.of("tailnet", tailnet, "email", email, "role", "member");
    var a =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> cluster.admin(0).post("/api/v1/users", body));
    var b =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> cluster.admin(1).post("/api/v1/users", body));
    List<Integer> statuses = List.of(a.get().status(), b.get().status());
    assertTrue(statuses.contains(201) && statuses.contains(409), statuses.toString());
  }

  @Test
  void badBodiesAre400NamingTheField() {
    var noEmail = cluster.admin(0).post("/api/v1/users", Map.of("tailnet", tailnet));
    assertEquals(400, noEmail.status());
    assertEquals("email", noEmail.json().path("error").path("field").asText());
    var badRole =
        cluster
            .admin(0)
            .post("/api/v1/users", Map.of("tailnet", tailnet, "email", "x@y.z", "role", "god"));
    assertEquals(400, badRole.status());
    assertEquals("role", badRole.json().path("error").path("field").asText());
    var malformed = cluster.admin(0).post("/api/v1/users", "{\"email\":");
    assertEquals(400, malformed.status());
    var unknown =
        cluster.admin(0).post("/api/v1/users", Map.of("tailnet", tailnet, "emale", "x@y.z"));
    assertEquals(400, unknown.status());
    assertEquals("emale", unknown.json().path("error").path("field").asText());
  }

  @Test
  void theLastOwnerStays() {
    var users = cluster.admin(0).get("/api/v1/users?tailnet=default").json().path("users");
    String ownerId = null;
    for (var u : users) {
      if (u.path("role").asText().equals("owner")) {
        ownerId = u.path("id").asText();
      }
    }
    var r = cluster.admin(0).post("/api/v1/users/" + ownerId + "/role", Map.of("role", "member"));
    assertEquals(409, r.status(), r.body());
  }
}
