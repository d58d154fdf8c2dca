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

  /** A token with {@code role} in {@code tailnet}, created by the deployment administrator. */
  static String token(IdentityCluster c, String tailnet, String role) {
    var r =
        c.admin(0).post("/api/v1/tokens", Map.of("tailnet", tailnet, "role", role, "expiry", "1d"));
    assertEquals(201, r.status(), r.body());
    return r.text("token");
  }
}
