package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.proto.state.StateMaps;
import dev.trellis.testkit.ClusterTest;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tailnet names and ids live in disjoint forms, so no name shadows another tailnet's id. */
@ClusterTest
class TailnetNamesTest {

  private static String idOf(IdentityCluster c, String name) {
    for (var t : c.admin(0).get("/api/v1/tailnets").json().path("tailnets")) {
      if (t.path("name").asText().equals(name)) {
        return t.path("id").asText();
      }
    }
    throw new AssertionError("no tailnet " + name);
  }

  @Test
  void aTailnetCannotBeNamedWithAnotherTailnetsId(IdentityCluster c) {
    String victim = Tailnets.create(c, "victim");
    String victimId = idOf(c, victim);
    for (String name :
        new String[] {victimId, victimId.toUpperCase(Locale.ROOT), "tn0123456789abcdef"}) {
      var r = c.admin(1).post("/api/v1/tailnets", Map.of("name", name));
      assertEquals(422, r.status(), name + ": " + r.body());
      assertEquals("VALIDATION_FAILED", r.code());
      assertEquals("name", r.json().path("error").path("field").asText());
    }
    // The victim is still what its id names, on both instances.
    String admin = Tailnets.token(c, victim, "admin");
    for (int node = 0; node < 2; node++) {
      var users = c.api(node, admin).get("/api/v1/users?tailnet=" + victimId);
      assertEquals(200, users.status(), users.body());
      assertEquals(200, c.api(node, admin).get("/api/v1/users?tailnet=" + victim).status());
    }
  }

  @Test
  void textOfTheIdFormIsLookedUpAsAnIdOnly(IdentityCluster c) {
    String victim = Tailnets.create(c, "shadowed");
    String victimId = idOf(c, victim);
    String other = Tailnets.create(c, "shadow");
    String otherId = idOf(c, other);
    // A name of the id form recorded before names were checked (an old log): never used.
    c.nodes
        .getFirst()
        .hazelcast()
        .<String, String>getMap(StateMaps.TAILNET_NAMES)
        .set(victimId, otherId);
    try {
      var settings = c.admin(0).get("/api/v1/tailnets/" + victimId + "/settings");
      assertEquals(200, settings.status(), settings.body());
      assertEquals(victimId, settings.text("tailnetId"));
      var unknown = c.admin(1).get("/api/v1/tailnets/tnffffffffffffffff/settings");
      assertEquals(404, unknown.status(), unknown.body());
      assertEquals("TAILNET_NOT_FOUND", unknown.code());
    } finally {
      c.nodes.getFirst().hazelcast().getMap(StateMaps.TAILNET_NAMES).remove(victimId);
    }
  }
}
