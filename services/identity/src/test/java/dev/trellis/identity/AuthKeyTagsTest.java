package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trellis.testkit.ClusterTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An auth key carries only tags its tailnet's policy defines in tagOwners, as registration
 * requires: a key with any other tag would be refused at every use, or launder a tag no one owns.
 */
@ClusterTest
class AuthKeyTagsTest {

  @Test
  void tagsTheTailnetsPolicyDoesNotDefineAreRefusedNamingTheTag(IdentityCluster c) {
    String tailnet = Tailnets.create(c, "key-tags");
    String admin = Tailnets.token(c, tailnet, "admin");
    var noPolicy = c.api(0, admin).post("/api/v1/authkeys", Map.of("tags", List.of("tag:server")));
    assertEquals(403, noPolicy.status(), noPolicy.body());
    assertEquals("AUTH_KEY_TAGS_FORBIDDEN", noPolicy.code());
    assertEquals("tags[0]", noPolicy.json().path("error").path("field").asText());
    assertTrue(noPolicy.json().path("error").path("message").asText().contains("tag:server"));

    Tailnets.defineTags(c, tailnet, "tag:server");
    var unowned =
        c.api(1, admin)
            .post("/api/v1/authkeys", Map.of("tags", List.of("tag:server", "tag:nobody")));
    assertEquals(403, unowned.status(), unowned.body());
    assertEquals("AUTH_KEY_TAGS_FORBIDDEN", unowned.code());
    assertEquals("tags[1]", unowned.json().path("error").path("field").asText());
    assertEquals(
        "tag:nobody is not defined in tagOwners",
        unowned.json().path("error").path("message").asText());

    var ok = c.api(0, admin).post("/api/v1/authkeys", Map.of("tags", List.of("tag:server")));
    assertEquals(201, ok.status(), ok.body());
    var list = c.api(1, admin).get("/api/v1/authkeys").body();
    assertTrue(!list.contains("tag:nobody"), list);
  }
}
