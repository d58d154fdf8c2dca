package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.trellis.testkit.Api;
import dev.trellis.testkit.ClusterTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Admin API bodies: every string is bounded, wrong JSON types and duplicate keys are refused, the
 * field named; nothing refused reaches the log.
 */
@ClusterTest
class RequestBoundsTest {

  private static void refused(Api.Reply r, String field) {
    String shown = r.body().length() > 300 ? r.body().substring(0, 300) + "..." : r.body();
    assertEquals(400, r.status(), shown);
    assertEquals("BAD_REQUEST", r.code(), shown);
    assertEquals(field, r.json().path("error").path("field").asText(), shown);
  }

  @Test
  void aMegabyteDescriptionIsRefusedAndNotLogged(IdentityCluster c) {
    String tailnet = Tailnets.create(c, "bounds");
    String admin = Tailnets.token(c, tailnet, "admin");
    String huge = "d".repeat(1_000_000);
    refused(c.api(0, admin).post("/api/v1/authkeys", Map.of("description", huge)), "description");
    refused(c.api(1, admin).post("/api/v1/tokens", Map.of("description", huge)), "description");
    refused(
        c.api(0, admin).post("/api/v1/users", Map.of("email", "a@b.c", "displayName", huge)),
        "displayName");
    var audit = c.api(0, admin).get("/api/v1/audit?tailnet=" + tailnet);
    assertEquals(200, audit.status());
    assertFalse(audit.body().contains("dddddddddd"), "a refused body reached the log");
  }

  @Test
  void wrongTypesAreRefusedNamingTheField(IdentityCluster c) {
    String tailnet = Tailnets.create(c, "types");
    String admin = Tailnets.token(c, tailnet, "admin");
    Api api = c.api(1, admin);
    refused(api.post("/api/v1/authkeys", "{\"reusable\":true,\"uses\":1.5}"), "uses");
    refused(api.post("/api/v1/authkeys", "{\"reusable\":true,\"uses\":\"3\"}"), "uses");
    refused(api.post("/api/v1/authkeys", "{\"reusable\":\"true\"}"), "reusable");
    refused(api.post("/api/v1/authkeys", "{\"description\":42}"), "description");
    refused(api.post("/api/v1/authkeys", "{\"tags\":[7]}"), "tags[0]");
    refused(api.post("/api/v1/tokens", "{\"role\":[\"admin\"]}"), "role");
    var ok = api.post("/api/v1/authkeys", "{\"reusable\":true,\"uses\":3}");
    assertEquals(201, ok.status(), ok.body());
    assertEquals(3, ok.json().path("keyInfo").path("usageLimit").asInt(), ok.body());
  }

  @Test
  void duplicateKeysAreRefusedNamingTheField(IdentityCluster c) {
    String tailnet = Tailnets.create(c, "dups");
    String admin = Tailnets.token(c, tailnet, "admin");
    refused(
        c.api(0, admin).post("/api/v1/tokens", "{\"role\":\"member\",\"role\":\"admin\"}"), "role");
    refused(
        c.api(1, admin)
            .post("/api/v1/authkeys", "{\"reusable\":false,\"uses\":1,\"reusable\":true}"),
        "reusable");
  }
}
