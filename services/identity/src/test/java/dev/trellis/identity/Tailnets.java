package dev.trellis.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.UUID;

/** Test helpers: a fresh tailnet and an admin-role token for it. */
final class Tailnets {
  private Tailnets() {}

  /** A fresh tailnet's name; created by the deployment administrator. */
  static String create(IdentityCluster c, String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    var r = c.admin(0).post("/api/v1/tailnets", Map.of("name", name));
    assertEquals(201, r.status(), r.body());
    return name;
  }

  /** The id of the tailnet named {@code name}. */
  static String id(IdentityCluster c, String name) {
    for (var t : c.admin(0).get("/api/v1/tailnets").json().path("tailnets")) {
      if (t.path("name").asText().equals(name)) {
        return t.path("id").asText();
      }
    }
    throw new AssertionError("no tailnet " + name);
  }

  /**
   * Makes the tailnet's policy define {@code tags} in tagOwners, as the policy service's projection
   * would after a policy update.
   */
  static void defineTags(IdentityCluster c, String tailnetName, String... tags) {
    c.nodes
        .getFirst()
        .hazelcast()
        .<String, byte[]>getMap(dev.trellis.proto.state.StateMaps.DEFINED_TAGS)
        .set(
            id(c, tailnetName),
            dev.trellis.proto.state.v1.DefinedTagsRecord.newBuilder()
                .addAllTags(java.util.List.of(tags))
                .setPolicyVersion(1)
                .build()
                .toByteArray());
  }

  /** A token with {@code role} in {@code tailnet}, created by the deployment administrator. */
  static String token(IdentityCluster c, String tailnet, String role) {
    var r =
        c.admin(0).post("/api/v1/tokens", Map.of("tailnet", tailnet, "role", role, "expiry", "1d"));
    assertEquals(201, r.status(), r.body());
    return r.text("token");
  }
}
